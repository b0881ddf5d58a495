from django.shortcuts import render
from django.urls import path

from lianfang.core.permissions import permission_required


@permission_required("risks.view")
def library(request):
    return render(request, "risks/library.html", {})


urlpatterns = [path("", library, name="library")]
