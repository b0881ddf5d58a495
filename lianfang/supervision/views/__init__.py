"""The electronic supervision pages (电子监察). Reads go through `supervision.selectors`
(scoped), the writes (a card's reply, a manual score deduction) through the services."""

from django.urls import path

from .board import board
from .cards import card_detail, card_list
from .cases import case_detail, case_list
from .scores import adjustment_delete, grade_table, recommendation, score_detail, score_table

urlpatterns = [
    path("", board, name="board"),
    path("cases/", case_list, name="cases"),
    path("cases/<int:pk>/", case_detail, name="case"),
    path("cards/", card_list, name="cards"),
    path("cards/<int:pk>/", card_detail, name="card"),
    path("scores/", score_table, name="scores"),
    path("scores/<int:pk>/", score_detail, name="score"),
    path("adjustments/<int:pk>/delete/", adjustment_delete, name="adjustment_delete"),
    path("grades/", grade_table, name="grades"),
    path("recommendations/<int:pk>/", recommendation, name="recommendation"),
]
