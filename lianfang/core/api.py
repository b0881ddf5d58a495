"""Shared pieces of the JSON API: permission checks, reference lookup and a CRUD router.

Six organisation entities share exactly the same list/get/create/update/delete shape; the
router factory keeps their scope and audit behaviour identical instead of six near-copies.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from ninja import PatchDict, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from .scopes import get_scoped_or_404, scoped
from .text import join_list


def require(request, permission: str) -> None:
    if not request.user.has_permission(permission):
        raise PermissionDenied(permission)


def resolve_refs(model: type[Model], data: dict, user) -> dict:
    """Turn related ids into objects the user may see; an unknown id is an error on its field."""
    resolved = {}
    for name, value in data.items():
        field = model._meta.get_field(name)
        if not field.is_relation or value is None:
            resolved[name] = value
            continue
        related = field.related_model
        qs = related._default_manager.all()
        if hasattr(related, "scope_paths"):
            qs = scoped(qs, user)
        if field.get_limit_choices_to():
            qs = qs.complex_filter(field.get_limit_choices_to())
        if field.many_to_many:
            objects = list(qs.filter(pk__in=value))
            missing = set(value) - {o.pk for o in objects}
        else:
            objects = qs.filter(pk=value).first()
            missing = {value} if objects is None else set()
        if missing:
            ids = join_list(sorted(missing))
            raise ValidationError(
                {name: _("编号为 %(ids)s 的记录不存在或无权访问。") % {"ids": ids}}
            )
        resolved[name] = objects
    return resolved


def crud_router(
    *,
    name: str,
    queryset,
    out_schema,
    in_schema,
    services,
    view: str,
    manage: str,
) -> Router:
    """list/get/create/update/delete for one entity, all through the data scope and services.

    `services` is the app's services module, with `<name>_create`, `<name>_update` and
    `<name>_delete`; update and delete take the object under the keyword `name`.
    """
    create_service = getattr(services, f"{name}_create")
    update_service = getattr(services, f"{name}_update")
    delete_service = getattr(services, f"{name}_delete")
    router = Router(tags=[name])
    model = queryset.model

    @router.get(
        "/", response=list[out_schema], url_name=f"{name}_list", operation_id=f"{name}_list"
    )
    @paginate(LimitOffsetPagination)
    def list_(request):
        require(request, view)
        return scoped(queryset.all(), request.user)

    @router.get(
        "/{int:pk}", response=out_schema, url_name=f"{name}_detail", operation_id=f"{name}_detail"
    )
    def get(request, pk: int):
        require(request, view)
        return get_scoped_or_404(queryset.all(), request.user, pk=pk)

    @router.post(
        "/", response={201: out_schema}, url_name=f"{name}_create", operation_id=f"{name}_create"
    )
    def create(request, payload: in_schema):
        require(request, manage)
        data = resolve_refs(model, payload.dict(exclude_unset=True), request.user)
        return Status(201, create_service(actor=request.user, data=data))

    @router.patch(
        "/{int:pk}", response=out_schema, url_name=f"{name}_update", operation_id=f"{name}_update"
    )
    def update(request, pk: int, payload: PatchDict[in_schema]):
        require(request, manage)
        obj = get_scoped_or_404(queryset.all(), request.user, pk=pk)
        data = resolve_refs(model, payload, request.user)
        return update_service(actor=request.user, data=data, **{name: obj})

    @router.delete(
        "/{int:pk}", response={204: None}, url_name=f"{name}_delete", operation_id=f"{name}_delete"
    )
    def delete(request, pk: int):
        require(request, manage)
        obj = get_scoped_or_404(queryset.all(), request.user, pk=pk)
        delete_service(actor=request.user, **{name: obj})
        return Status(204, None)

    return router
