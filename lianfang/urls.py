from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("lianfang.core.urls")),
    path("accounts/", include("lianfang.accounts.urls")),
    path("org/", include("lianfang.org.urls")),
    path("risks/", include("lianfang.risks.urls")),
    path("gongkai/", include("lianfang.portal.urls")),
    path("powers/", include("lianfang.powers.urls")),
    path("supervision/", include("lianfang.supervision.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler403 = "lianfang.core.views.denied"
handler404 = "lianfang.core.views.not_found"
