from . import exchange_views, views

app_name = "powers"
urlpatterns = views.urlpatterns + exchange_views.urlpatterns
