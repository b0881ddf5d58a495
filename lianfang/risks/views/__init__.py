"""The risk library pages. Reads go through the selectors (scoped), writes through the services."""

from django.urls import path

from .history import history, version
from .library import copy_forward, library, overdue, progress
from .risk import (
    detail,
    measure_create,
    measure_delete,
    measure_edit,
    risk_create,
    risk_edit,
    risk_grade,
    workflow_action,
)

urlpatterns = [
    path("", library, name="library"),
    path("progress/", progress, name="progress"),
    path("new/", risk_create, name="create"),
    path("copy/", copy_forward, name="copy"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", risk_edit, name="edit"),
    path("<int:pk>/grade/", risk_grade, name="grade"),
    path("<int:pk>/history/", history, name="history"),
    path("<int:pk>/history/<int:history_id>/", version, name="version"),
    path("<int:pk>/workflow/<str:action>/", workflow_action, name="workflow"),
    path("<int:pk>/measures/new/", measure_create, name="measure_create"),
    path("measures/overdue/", overdue, name="overdue"),
    path("measures/<int:pk>/edit/", measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", measure_delete, name="measure_delete"),
]
