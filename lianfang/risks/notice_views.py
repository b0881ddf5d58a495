"""公示: risks and their measures published within the unit (or to the public), read-only.

Publication deliberately reaches beyond the reader's data scope: that is what 公示 means.
Only effective risks whose publication scope covers the reader are shown.
"""

from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.urls import path

from lianfang.core.paging import page_of
from lianfang.core.permissions import permission_required

from .models import Measure, Publication, RiskPoint, Status
from .selectors import with_responsible_leader


def published_for(user):
    reach = Q(publication=Publication.PUBLIC)
    if user.person_id is not None:
        reach |= Q(publication=Publication.UNIT, unit_id=user.person.unit_id)
    risks = RiskPoint.objects.filter(reach, status=Status.EFFECTIVE)
    measures = Measure.objects.exclude(status="cancelled").order_by("pk")
    return (
        with_responsible_leader(risks)
        .select_related("unit", "department", "post")
        .prefetch_related(Prefetch("measures", queryset=measures))
        .order_by("-year", "level", "unit_id", "department_id", "pk")
    )


@permission_required("risks.view")
def notice(request):
    return render(
        request, "risks/notice.html", {"page": page_of(request, published_for(request.user))}
    )


urlpatterns = [path("notice/", notice, name="notice")]
