from django.urls import path, re_path

from . import json_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("powers/", views.power_list, name="powers"),
    path("powers/<str:code>/", views.power_detail, name="power"),
    path("regulations/", views.regulation_list, name="regulations"),
    path("api/powers.json", json_views.power_list, name="powers_json"),
    path("api/powers/<str:code>.json", json_views.power_detail, name="power_json"),
    # Any other address under the portal ending in "/" is a 404 in the portal's own dress
    # (addresses without the slash are still redirected to it first).
    re_path(r"^(?:.*/)?$", views.not_found),
]
