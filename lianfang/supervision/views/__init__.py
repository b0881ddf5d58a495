"""The electronic supervision pages (电子监察). Reads go through `supervision.selectors`
(scoped), the one write (a card's reply) through `supervision.services`."""

from django.urls import path

from .board import board
from .cards import card_detail, card_list
from .cases import case_detail, case_list
from .scores import grade_table, recommendation, score_detail, score_table

urlpatterns = [
    path("", board, name="board"),
    path("cases/", case_list, name="cases"),
    path("cases/<int:pk>/", case_detail, name="case"),
    path("cards/", card_list, name="cards"),
    path("cards/<int:pk>/", card_detail, name="card"),
    path("scores/", score_table, name="scores"),
    path("scores/<int:pk>/", score_detail, name="score"),
    path("grades/", grade_table, name="grades"),
    path("recommendations/<int:pk>/", recommendation, name="recommendation"),
]
