from . import matrix_views, notice_views, register_views, views

app_name = "risks"
urlpatterns = (
    views.urlpatterns
    + register_views.urlpatterns
    + notice_views.urlpatterns
    + matrix_views.urlpatterns
)
