from django.http import HttpRequest

from cockpit.roles import is_admin, is_manager


def roles(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {"user_is_manager": is_manager(user), "user_is_admin": is_admin(user)}
