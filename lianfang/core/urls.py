from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
    path("dicts/", views.dict_list, name="dicts"),
    path("dicts/<int:pk>/items/new/", views.dict_item_create, name="dict_item_create"),
    path("dicts/items/<int:pk>/", views.dict_item_edit, name="dict_item_edit"),
    path("healthz", views.healthz, name="healthz"),
]
