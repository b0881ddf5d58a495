"""The JSON API under /api/v1/: authentication and error shapes shared by every router."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from lianfang.accounts.middleware import policy_block
from lianfang.accounts.models import ApiToken
from lianfang.accounts.services import denial_record
from lianfang.core.uploads import too_large_message


class UnicodeRenderer(JSONRenderer):
    """Chinese text as itself, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class ActiveSessionAuth(SessionAuth):
    """Session login, refused while the login policy holds the user at the password or
    second-factor page (the pages redirect; the API answers 401)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and policy_block(user) is None else None


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        item = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), revoked=False, user__is_active=True)
            .first()
        )
        if item is None:
            return None
        now = timezone.now()
        if item.last_used_at is None or (now - item.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=item.pk).update(last_used_at=now)
        request.user = item.user
        return item.user


api = NinjaAPI(
    title="Lianfang API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), ActiveSessionAuth()],
    docs_url="/docs",
    renderer=UnicodeRenderer(),
)


def _error(request, status: int, detail: str, errors: list | None = None):
    body = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": str(m)}
            for field, messages in exc.message_dict.items()
            for m in messages
        ]
    else:
        errors = [{"field": "__all__", "message": str(m)} for m in exc.messages]
    detail = "；".join(
        e["message"] if e["field"] == "__all__" else f"{e['field']}: {e['message']}" for e in errors
    )
    return _error(request, 400, detail, errors)


@api.exception_handler(SchemaError)
def on_schema_error(request, exc: SchemaError):
    if (message := too_large_message(request)) is not None:
        return _error(request, 400, message, [{"field": "file", "message": message}])
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(loc) or "__all__", "message": err.get("msg", "")})
    detail = "；".join(f"{e['field']}: {e['message']}" for e in errors)
    return _error(request, 400, detail, errors)


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    denial_record(user=request.user, path=f"{request.method} {request.path}")
    return _error(request, 403, _("无权执行此操作。"))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("未找到。"))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("未登录或令牌无效。"))


def _register_routers():
    from lianfang.accounts.api import router as accounts_router
    from lianfang.org.api import routers as org_routers
    from lianfang.powers.api import router as powers_router
    from lianfang.powers.api_exchange import router as power_exchange_router
    from lianfang.risks.api import router as risks_router
    from lianfang.risks.api_registers import router as registers_router
    from lianfang.supervision.api import router as supervision_router

    for prefix, router in org_routers.items():
        api.add_router(f"/org/{prefix}", router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/risks", risks_router)
    api.add_router("/risks/registers", registers_router)
    api.add_router("/powers", powers_router)
    api.add_router("/powers/exchange", power_exchange_router)
    api.add_router("/supervision", supervision_router)


_register_routers()
