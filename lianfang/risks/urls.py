from . import register_views, views

app_name = "risks"
urlpatterns = views.urlpatterns + register_views.urlpatterns
