"""URL patterns of the project package for the scope test (see scope_registry)."""

from .scope_registry import Fill, register

register("favicon", Fill(notes="the site icon: no records"))
