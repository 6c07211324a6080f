"""What a user may do, read from the cache instead of three queries on every request.

A user's permissions (their own and their groups') and the names of their groups are kept
in the default cache under their id, read at login and stamped with a version. A user
added to or taken out of a group, or given or denied a permission of their own, loses
their entry; a change to what a role may do or is called (a group's permissions, a group
renamed or deleted, a permission or content type changed) sets a new version, so every
entry is read again from the database on the next request: such changes are rare, and a
fresh read costs two queries. The superuser flag is stored beside the entry and compared,
and an inactive user has no permissions before the cache is asked, so saving a user (each
login does) changes nothing.

Both are done again when the transaction that made the change commits, so a request
that read the old rows in between cannot keep them. An entry lives ten minutes at most,
which bounds how long a change the signals cannot see (raw SQL) goes unnoticed.

The signed-in user's own row, which Django reads on every request, is cached the same way
under their id: saving or deleting the user (a new password, deactivation, each login)
drops it, so the session check against the password and the "active" check see the change
on the next request; a change made with a bulk UPDATE is seen within the ten minutes.

Sessions are read through the cache too (``cached_db``): signing out deletes both copies,
and a session row deleted otherwise (revoked) is removed from the cache by a signal here.
"""

from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model, user_logged_in
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.db import router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "access:version"
ENTRY_TIMEOUT = 10 * 60


def _entry_key(user_id) -> str:
    return f"access:user:{user_id}"


def _row_key(user_id) -> str:
    return f"access:row:{user_id}"


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid4().hex, timeout=None)


def _now_and_after_commit(change) -> None:
    change()
    transaction.on_commit(change)


def roles_changed(action=None, **kwargs) -> None:
    """Signal receiver: make every cached entry stale now and again after commit."""
    if action is not None and not action.startswith("post_"):
        return
    _now_and_after_commit(_new_version)


def user_roles_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Signal receiver: a user's groups or own permissions changed; forget only whose they are."""
    if not action.startswith("post_"):
        return
    if not reverse:
        keys = [_entry_key(instance.pk)]
    elif pk_set is not None:
        keys = [_entry_key(pk) for pk in pk_set]
    else:  # every user taken out of a group or off a permission: not known who
        _now_and_after_commit(_new_version)
        return
    _now_and_after_commit(lambda: cache.delete_many(keys))


def signed_in(sender, request, user, **kwargs) -> None:
    """Signal receiver: read what the user may do at login, so their first page finds it and their row cached."""
    user_access(user)
    if user.is_active:  # after Django's own receiver has saved the login time
        _remember_row(user)


def _perm_names(queryset) -> frozenset[str]:
    rows = queryset.values_list("content_type__app_label", "codename").order_by()
    return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)


def _read(user) -> dict:
    if user.is_superuser:
        everything = _perm_names(Permission.objects.all())
        own, from_groups = everything, everything
    else:
        own = _perm_names(Permission.objects.filter(user=user))
        from_groups = frozenset()
    groups, group_perms = set(), set()
    rows = Group.objects.filter(user=user).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    )
    for name, app_label, codename in rows:
        groups.add(name)
        if codename is not None:
            group_perms.add(f"{app_label}.{codename}")
    return {
        "superuser": user.is_superuser,
        "user": own,
        "group": from_groups or frozenset(group_perms),
        "groups": frozenset(groups),
    }


def user_access(user) -> dict:
    """Return the user's permissions ("user", "group") and group names ("groups").

    Callers keep what they need on the instance for the rest of the request (as Django's
    backend does), so a change made during a request is seen by the next read.
    """
    key = _entry_key(user.pk)
    found = cache.get_many([VERSION_KEY, key])
    version, entry = found.get(VERSION_KEY), found.get(key)
    if version is None:
        cache.add(VERSION_KEY, uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    if entry is None or entry["version"] != version or entry["superuser"] != user.is_superuser:
        entry = {**_read(user), "version": version}
        if version is not None:
            cache.set(key, entry, timeout=ENTRY_TIMEOUT)
    return entry


def _remember_row(user) -> None:
    """Cache the user's columns only: nothing a request kept on the instance (permissions, roles)."""
    fields = user._meta.concrete_fields
    row = ([f.attname for f in fields], [getattr(user, f.attname) for f in fields])
    cache.set(_row_key(user.pk), row, timeout=ENTRY_TIMEOUT)


def _cached_row(user_id):
    row = cache.get(_row_key(user_id))
    if row is None:
        return None
    model = get_user_model()
    return model.from_db(router.db_for_read(model), *row)


def user_saved(sender, instance, **kwargs) -> None:
    """Signal receiver: a user saved or deleted is read from the database on their next request."""
    key = _row_key(instance.pk)
    _now_and_after_commit(lambda: cache.delete(key))


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend with the user's row and permissions read through the cache."""

    def get_user(self, user_id):
        user = _cached_row(user_id)
        if user is None:
            user = super().get_user(user_id)  # None when missing or inactive
            if user is not None:
                _remember_row(user)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, name):
            access = user_access(user_obj)
            user_obj._user_perm_cache = set(access["user"])
            user_obj._group_perm_cache = set(access["group"])
        return getattr(user_obj, name)


def session_deleted(sender, instance, **kwargs) -> None:
    """Signal receiver: a session row deleted (signed out everywhere, revoked) leaves the cache too."""
    caches[settings.SESSION_CACHE_ALIAS].delete(SESSION_KEY_PREFIX + instance.session_key)


def connect_signals() -> None:
    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(user_roles_changed, sender=through, dispatch_uid=f"access-{through._meta.label}")
    m2m_changed.connect(roles_changed, sender=Group.permissions.through, dispatch_uid="access-group-permissions")
    for model in (Group, Permission, ContentType):
        post_save.connect(roles_changed, sender=model, dispatch_uid=f"access-save-{model._meta.label}")
        post_delete.connect(roles_changed, sender=model, dispatch_uid=f"access-delete-{model._meta.label}")
    post_delete.connect(session_deleted, sender=Session, dispatch_uid="access-session-deleted")
    post_save.connect(user_saved, sender=user_model, dispatch_uid="access-user-saved")
    post_delete.connect(user_saved, sender=user_model, dispatch_uid="access-user-deleted")
    user_logged_in.connect(signed_in, dispatch_uid="access-signed-in")
