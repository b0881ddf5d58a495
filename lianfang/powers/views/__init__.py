"""The power-list pages. Reads go through the selectors (scoped), writes through the services."""

from django.urls import path

from . import catalogues
from .discretion import discretion_edit
from .flow import flow_edit
from .items import (
    item_create,
    item_delete,
    item_detail,
    item_edit,
    item_list,
    risk_link,
    risk_unlink,
)

urlpatterns = [
    path("", item_list, name="list"),
    path("new/", item_create, name="create"),
    path("<int:pk>/", item_detail, name="detail"),
    path("<int:pk>/edit/", item_edit, name="edit"),
    path("<int:pk>/delete/", item_delete, name="delete"),
    path("<int:pk>/flow/", flow_edit, name="flow"),
    path("<int:pk>/discretion/", discretion_edit, name="discretion"),
    path("<int:pk>/risks/", risk_link, name="risk_link"),
    path("<int:pk>/risks/<int:link_pk>/unlink/", risk_unlink, name="risk_unlink"),
    path("catalogue/posts/", catalogues.post_catalogue, name="post_catalogue"),
    path("cleanup/", catalogues.cleanup_report, name="cleanup"),
    path("regulations/", catalogues.regulation_list, name="regulations"),
    path("regulations/new/", catalogues.regulation_create, name="regulation_create"),
    path("regulations/<int:pk>/edit/", catalogues.regulation_edit, name="regulation_edit"),
    path("regulations/<int:pk>/delete/", catalogues.regulation_delete, name="regulation_delete"),
    path("processes/", catalogues.process_list, name="processes"),
    path("processes/new/", catalogues.process_create, name="process_create"),
    path("processes/<int:pk>/edit/", catalogues.process_edit, name="process_edit"),
    path("processes/<int:pk>/delete/", catalogues.process_delete, name="process_delete"),
]
