from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission or any of several): the navigation shows only what the user
# may use.
NAVIGATION = [
    (_("工作台"), "core:home", None),
    (_("组织机构"), "org:tree", "org.view"),
    (_("风险提示"), "org:findings", "findings.view"),
    (_("廉政风险库"), "risks:library", "risks.view"),
    (_("登记表"), "risks:registers", "risks.view"),
    (_("风险公示"), "risks:notice", "risks.view"),
    (_("风险矩阵"), "risks:matrix", "risks.matrix"),
    (_("权力清单"), "powers:list", "powers.view"),
    (_("职权目录"), "powers:post_catalogue", "powers.view"),
    (_("制度目录"), "powers:regulations", "powers.view"),
    (_("电子监察"), "supervision:board", "supervision.view"),
    (_("监察卡片"), "supervision:cards", ("supervision.reply", "supervision.view")),
    (_("绩效评估"), "supervision:scores", "supervision.view"),
    (_("数据字典"), "core:dicts", "dicts.manage"),
    (_("工作日历"), "core:calendar", "calendar.manage"),
    (_("用户管理"), "accounts:users", "users.view"),
    (_("审计日志"), "core:audit", "audit.view"),
    (_("登录日志"), "accounts:login_log", "loginlog.view"),
]


def _may(user, permission) -> bool:
    if permission is None:
        return True
    codes = permission if isinstance(permission, tuple) else (permission,)
    return any(user.has_permission(code) for code in codes)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        {"label": label, "url": reverse(name), "active": False}
        for label, name, permission in NAVIGATION
        if _may(user, permission)
    ]
    # The deepest item whose address the page is under is the current one (/risks/notice/
    # belongs to 风险公示, not to 廉政风险库 at /risks/).
    under = [i for i in items if request.path.startswith(i["url"]) and i["url"] != "/"]
    current = max(under, key=lambda i: len(i["url"]), default=None)
    if current is None and items and request.path == items[0]["url"]:
        current = items[0]
    if current is not None:
        current["active"] = True
    return {"nav_items": items}
