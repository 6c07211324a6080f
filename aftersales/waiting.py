"""What a record waits for and on whom: the "waiting on" line of every record page and "my work".

Each workflow model says what it waits for as a list of :class:`Owed` (a step in words and
the person or role who takes it); :class:`Directory` names the holders of each role with
one query per page, so a list of records costs the same whatever its length.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils.translation import gettext as _

from . import roles


@dataclass(frozen=True)
class Owed:
    """One step a record waits for: ``step`` by ``people`` (users or user ids) or by the holders of ``role``."""

    step: str
    role: str = ""
    people: tuple = ()
    record: str = ""  # the number of the record the step is taken in, when it is another one
    code: str = ""  # a stable name for code that must recognise the step

    def person_ids(self) -> set[int]:
        return {getattr(person, "pk", person) for person in self.people if person is not None}


def related(instance, name: str):
    """Return the object of foreign key ``name`` when already loaded, else its id (no query either way)."""
    field = instance._meta.get_field(name)
    if field.is_cached(instance):
        return getattr(instance, name)
    return getattr(instance, field.attname)


class Directory:
    """The active holders of each role, loaded once with a single query."""

    def __init__(self):
        self._by_role = None

    def _load(self):
        if self._by_role is not None:
            return
        self._by_role, self._by_pk, self._roles_of = defaultdict(list), {}, defaultdict(list)
        rows = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=roles.ALL)
            .annotate(role_code=F("groups__name"))
            .order_by("last_name", "first_name", "username")
        )
        for user in rows:
            user = self._by_pk.setdefault(user.pk, user)
            self._by_role[user.role_code].append(user)
            self._roles_of[user.pk].append(user.role_code)

    def holders(self, role: str) -> list:
        self._load()
        unique = {}
        for user in self._by_role.get(role, []):
            unique.setdefault(user.pk, user)
        return list(unique.values())

    def person(self, person):
        """Return the active user for a user or a user id (one without a role only when given as an object)."""
        self._load()
        if person is None:
            return None
        if isinstance(person, int):
            return self._by_pk.get(person)
        return self._by_pk.get(person.pk) or (person if person.is_active else None)

    def first_role(self, user) -> str:
        self._load()
        held = self._roles_of.get(user.pk, [])
        return next((code for code in roles.ALL if code in held), "")

    def people_of(self, owed: Owed) -> list:
        """Return the people ``owed`` waits on: the persons it names (when active), else the holders of its role."""
        if owed.people:
            return [p for p in (self.person(p) for p in owed.people) if p is not None]
        return self.holders(owed.role) if owed.role else []

    def describe(self, owed: Owed) -> str:
        """Say ``owed`` in words: "Quality group leader (Yang Jun) to raise a quality information sheet"."""
        people = self.people_of(owed)
        role = owed.role or (self.first_role(people[0]) if people else "")
        names = ", ".join(str(p) for p in people)
        if role and names:
            who = _("%(role)s (%(names)s)") % {"role": roles.LABELS[role], "names": names}
        elif owed.people:
            # The person it waits on has left: say so rather than name the whole role.
            who = _("%(role)s (no active person)") % {"role": roles.LABELS[role] if role else _("someone")}
        elif role:
            who = _("%(role)s (nobody holds this role)") % {"role": roles.LABELS[role]}
        else:
            who = names or _("nobody")
        text = _("%(who)s to %(step)s") % {"who": who, "step": owed.step}
        if owed.record:
            text = _("%(record)s: %(text)s") % {"record": owed.record, "text": text}
        return text

    def waits_on(self, owed_list, user) -> bool:
        """Return whether ``user`` is one of the people the steps wait on."""
        return any(user.pk in {p.pk for p in self.people_of(owed)} for owed in owed_list)
