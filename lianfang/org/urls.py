from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("findings/", views.findings, name="findings"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("<str:kind>/new/", views.entity_create, name="create"),
    path("<str:kind>/<int:pk>/edit/", views.entity_edit, name="edit"),
    path("<str:kind>/<int:pk>/delete/", views.entity_delete, name="delete"),
]
