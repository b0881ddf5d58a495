from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.forms import submit
from lianfang.core.permissions import permission_required
from lianfang.core.scopes import get_scoped_or_404, scoped

from . import selectors, services
from .forms import (
    AssignmentForm,
    DepartmentForm,
    LeadershipForm,
    PersonForm,
    PostForm,
    UnitForm,
)
from .models import Assignment, Department, Leadership, Person, Post, Unit


@permission_required("org.view")
def tree(request):
    return render(request, "org/tree.html", {"units": selectors.tree(request.user)})


@permission_required("findings.view")
def findings(request):
    return render(request, "org/findings.html", {"findings": selectors.findings(request.user)})


@permission_required("org.view")
def unit_detail(request, pk):
    unit = get_scoped_or_404(Unit.objects.select_related("parent"), request.user, pk=pk)
    departments = scoped(unit.departments.filter(is_active=True), request.user).annotate(
        post_count=Count("posts", filter=Q(posts__is_active=True))
    )
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "departments": departments,
            "leaders": scoped(selectors.leaders_of(unit), request.user),
        },
    )


@permission_required("org.view")
def department_detail(request, pk):
    department = get_scoped_or_404(Department.objects.select_related("unit"), request.user, pk=pk)
    posts = scoped(department.posts.all(), request.user).prefetch_related("areas")
    return render(
        request,
        "org/department_detail.html",
        {
            "department": department,
            "posts": selectors.with_holders(posts),
            "people": scoped(department.people.filter(is_active=True), request.user),
            "leaders": scoped(selectors.leaders_of_department(department), request.user),
        },
    )


@permission_required("org.view")
def post_detail(request, pk):
    post = get_scoped_or_404(
        Post.objects.select_related("department__unit").prefetch_related("areas"),
        request.user,
        pk=pk,
    )
    history = scoped(post.assignments.select_related("person"), request.user)
    return render(
        request,
        "org/post_detail.html",
        {
            "post": post,
            "history": history.order_by("-start_date"),
            "rotation_due": selectors.rotation_due(request.user).filter(post=post),
            "rotation_years": settings.ROTATION_YEARS,
        },
    )


@permission_required("org.view")
def person_detail(request, pk):
    person = get_scoped_or_404(
        Person.objects.select_related("unit", "department"), request.user, pk=pk
    )
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "assignments": scoped(
                person.assignments.select_related("post__department"), request.user
            ).order_by("-start_date"),
            "leaderships": scoped(
                person.leaderships.select_related("unit", "department").prefetch_related(
                    "departments_in_charge", "areas_in_charge"
                ),
                request.user,
            ).order_by("-start_date"),
            "person_findings": {
                "rotation_due": selectors.rotation_due(request.user).filter(person=person),
                "principal_charges": selectors.principal_sensitive_charges(request.user).filter(
                    person=person
                ),
            },
        },
    )


@dataclass(frozen=True)
class Kind:
    model: type
    form: type
    name: str
    label: str

    def service(self, action):
        return getattr(services, f"{self.name}_{action}")


KINDS = {
    "units": Kind(Unit, UnitForm, "unit", gettext_lazy("单位")),
    "departments": Kind(Department, DepartmentForm, "department", gettext_lazy("内设部门")),
    "posts": Kind(Post, PostForm, "post", gettext_lazy("岗位")),
    "people": Kind(Person, PersonForm, "person", gettext_lazy("干部职工")),
    "assignments": Kind(Assignment, AssignmentForm, "assignment", gettext_lazy("任职")),
    "leaderships": Kind(Leadership, LeadershipForm, "leadership", gettext_lazy("领导分工")),
}


def _kind(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404 from None


def _after_save(obj):
    """Where to go once an object is saved: its own page, or the page it belongs on."""
    if isinstance(obj, Unit):
        return reverse("org:unit", args=[obj.pk])
    if isinstance(obj, Department):
        return reverse("org:department", args=[obj.pk])
    if isinstance(obj, Post):
        return reverse("org:post", args=[obj.pk])
    if isinstance(obj, Person):
        return reverse("org:person", args=[obj.pk])
    return reverse("org:person", args=[obj.person_id])


@permission_required("org.manage")
def entity_create(request, kind):
    k = _kind(kind)
    form = k.form(request.POST or None, user=request.user, initial=request.GET.dict())
    obj = submit(form, lambda data: k.service("create")(actor=request.user, data=data))
    if obj is not None:
        messages.success(request, _("已保存。"))
        return redirect(_after_save(obj))
    return render(request, "org/form.html", {"form": form, "kind": k, "creating": True})


@permission_required("org.manage")
def entity_edit(request, kind, pk):
    k = _kind(kind)
    obj = get_scoped_or_404(k.model.objects.all(), request.user, pk=pk)
    # The form validates its own copy; the service applies the change to `obj` and audits it.
    form = k.form(request.POST or None, user=request.user, instance=k.model.objects.get(pk=pk))
    saved = submit(
        form, lambda data: k.service("update")(actor=request.user, data=data, **{k.name: obj})
    )
    if saved is not None:
        messages.success(request, _("已保存。"))
        return redirect(_after_save(saved))
    return render(request, "org/form.html", {"form": form, "kind": k, "object": obj})


@permission_required("org.manage")
def entity_delete(request, kind, pk):
    k = _kind(kind)
    obj = get_scoped_or_404(k.model.objects.all(), request.user, pk=pk)
    if request.method == "POST":
        try:
            k.service("delete")(actor=request.user, **{k.name: obj})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(_after_save(obj))
        messages.success(request, _("已删除。"))
        return redirect("org:tree")
    return render(request, "org/confirm_delete.html", {"object": obj, "kind": k})
