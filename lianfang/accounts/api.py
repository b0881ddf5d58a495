from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    data_scope: str
    person: int | None


@router.get("/me", response=MeOut, url_name="me")
def me(request):
    user = request.user
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        roles=sorted(user.role_codes),
        data_scope=user.data_scope,
        person=user.person_id,
    )
