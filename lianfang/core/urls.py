from django.urls import path

from . import calendar_views, notification_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
    path("dicts/", views.dict_list, name="dicts"),
    path("dicts/<int:pk>/items/new/", views.dict_item_create, name="dict_item_create"),
    path("dicts/items/<int:pk>/", views.dict_item_edit, name="dict_item_edit"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notifications_read_all",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("calendar/", calendar_views.calendar_year, name="calendar"),
    path("calendar/days/", calendar_views.calendar_day_save, name="calendar_day_save"),
    path("calendar/days/clear/", calendar_views.calendar_day_clear, name="calendar_day_clear"),
    path("calendar/import/", calendar_views.calendar_import, name="calendar_import"),
    path("calendar/template.csv", calendar_views.calendar_template, name="calendar_template"),
    path("calendar/export.csv", calendar_views.calendar_export, name="calendar_export"),
]
