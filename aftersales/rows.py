"""Model instances for read-only list rows, built without ``Model.__init__``.

A 50-row complaint list with three ``select_related`` models builds about 200 instances,
and Django's ``Model.from_db`` runs ``__init__`` for each: a loop over every field of the
model (about seventy for a complaint, most of them deferred by ``only()``), a descriptor
call per field and two signals. At a million complaints that was a quarter of the page's
time, more than its SQL.

:func:`fast_rows` makes a queryset yield instances whose loaded columns are put straight
into ``__dict__``, as ``from_db`` would leave them: a column left out by ``only()`` is
absent, so it is loaded on access as usual, the row's ``_state`` says it came from the
database, related rows from ``select_related`` are cached on it and it on them, and an
FSM model remembers its loaded state (django-fsm's concurrency check). A query shape this
does not cover (annotations, ``select_related`` through inheritance, known related
objects, models with ``pre_init`` / ``post_init`` receivers) falls back to Django's own
iterable, so the result is the same instances either way. No library does this; Django
documents ``from_db`` as the hook for custom loading, and this is the same work minus
``__init__``.
"""

from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.query import BaseIterable, ModelIterable


def fast_rows(queryset):
    """Return ``queryset`` yielding instances built by :class:`FastModelIterable`."""
    queryset = queryset.all()
    queryset._iterable_class = FastModelIterable  # noqa: SLF001 (QuerySet has no public setter)
    return queryset


def _plain(model) -> bool:
    return not (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model))


class _Plan:
    """How to build one model (and those it selects related) from a result row."""

    __slots__ = ("model", "start", "end", "names", "pk_index", "local_setter", "remote_setter", "children", "fsm")

    def __init__(self, klass_info, select, *, root: bool):
        fields = klass_info["select_fields"]
        self.model = klass_info["model"]
        self.start, self.end = fields[0], fields[-1] + 1
        if list(fields) != list(range(self.start, self.end)):
            raise _Unsupported
        self.names = [column[0].target.attname for column in select[self.start : self.end]]
        self.pk_index = self.names.index(self.model._meta.pk.attname)
        self.local_setter = None if root else klass_info["local_setter"]
        self.remote_setter = None if root else klass_info["remote_setter"]
        self.fsm = getattr(self.model, "_update_initial_state", None) is not None
        self.children = []
        for child in klass_info.get("related_klass_infos", []):
            if child.get("from_parent"):
                raise _Unsupported
            self.children.append(_Plan(child, select, root=False))
        if not _plain(self.model):
            raise _Unsupported

    def build(self, row, db):
        values = row[self.start : self.end]
        obj = self.model.__new__(self.model)
        state = obj._state = ModelState()
        state.adding, state.db = False, db
        obj.__dict__.update(zip(self.names, values, strict=True))
        if self.fsm:
            obj._update_initial_state()
        for child in self.children:
            if row[child.start + child.pk_index] is None:
                child.local_setter(obj, None)
                continue
            related = child.build(row, db)
            child.local_setter(obj, related)
            child.remote_setter(related, obj)
        return obj


class _Unsupported(Exception):
    pass


class FastModelIterable(BaseIterable):
    """Like Django's ``ModelIterable`` for plain ``select_related`` queries, without ``__init__``."""

    def __iter__(self):
        queryset = self.queryset
        if queryset._known_related_objects or queryset.query.annotation_select:  # noqa: SLF001
            yield from ModelIterable(queryset, self.chunked_fetch, self.chunk_size)
            return
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        try:
            plan = _Plan(compiler.klass_info, compiler.select, root=True)
        except _Unsupported:
            plan = None
        if plan is None:
            # Same rows, Django's way: build them as ModelIterable does from this result.
            yield from _django_rows(queryset, compiler, results)
            return
        for row in compiler.results_iter(results):
            yield plan.build(row, db)


def _django_rows(queryset, compiler, results):
    from django.db.models.query import get_related_populators

    klass_info, select = compiler.klass_info, compiler.select
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, queryset.db)
    for row in compiler.results_iter(results):
        obj = model.from_db(queryset.db, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        yield obj
