from django.shortcuts import render
from django.urls import path

from lianfang.core.permissions import permission_required


@permission_required("risks.view")
def registers(request):
    return render(request, "risks/registers.html", {})


urlpatterns = [path("registers/", registers, name="registers")]
