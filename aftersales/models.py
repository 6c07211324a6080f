from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    """A member of staff; what they may do comes from their role groups."""

    department = models.CharField(_("department"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Chinese names are written family name first, without a space.
        return f"{self.last_name}{self.first_name}".strip()

    def role_codes(self) -> set[str]:
        """Return the codes of the roles this user holds (cached on the instance)."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.filter(name__in=roles.ALL).values_list("name", flat=True))
        return self._role_codes

    def has_role(self, *codes: str) -> bool:
        return self.is_superuser or bool(self.role_codes() & set(codes))

    def role_labels(self) -> list[str]:
        return [str(roles.LABELS[c]) for c in roles.ALL if c in self.role_codes()]
