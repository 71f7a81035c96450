"""Plain SQL for the few statements on the hottest write path (the enroll POST), on Django's own connection.

Why: on that path the ORM spent longer composing each statement than PostgreSQL running it, and PostgreSQL
spent longer planning it than running it (bench/README.md). This module keeps what the ORM guarantees and drops
the per-call composition:

- `Statement`: a fixed SQL text with `%s` parameters, built once from the models' metadata; on PostgreSQL it is
  prepared once per database connection (`PREPARE` / `EXECUTE`), so it is planned once, not on every request.
  It runs on Django's cursor, inside the caller's transaction, and shows in the query log as `EXECUTE name(...)`.
- `ModelColumns`: a model's columns for a SELECT list, and rows back to model instances exactly as the ORM makes
  them (`Model.from_db`, with the backend's and the fields' value converters); for models whose `__init__` does
  nothing more for a loaded row (cohorts, course pages, users), without running it.
- `insert(instance)`: `Model.save()` of a new row as one plain INSERT, sending `pre_save` and `post_save` as
  save() does. Only for models whose save() adds nothing to an insert and that have no parent model.
  `insert_all(*instances)` does the same for several new rows in one statement (one round trip, or none of its
  own when deferred to the COMMIT).

Lowest layer: it knows no app. Only table and column names from the models' metadata are formatted into SQL;
values are always parameters.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, signals
from django.db.models.base import ModelState

# psycopg2 connections (weakly held, so a closed one is forgotten) -> names prepared on it.
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PREPARED_LOCK = threading.Lock()


def _db():
    """This thread's database connection itself: each attribute read through `django.db.connection`, a proxy,
    costs a lookup in a context-local store, and an insert reads a dozen (the profiles in bench/README.md)."""
    return connections[DEFAULT_DB_ALIAS]


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def constants(values: Iterable[str]) -> str:
    """Code constants (status names) as SQL string literals, for `IN (…)` lists written into a statement: a
    prepared statement's plan is made once for any parameter, so only a list known when planning lets
    PostgreSQL use a partial index whose condition is such a list. Refuses anything but lowercase words."""
    words = [str(value) for value in values]
    if not words or not all(word.replace("_", "").isalpha() and word.islower() and word.isascii() for word in words):
        raise ValueError(f"not constants: {words!r}")
    return ", ".join(f"'{word}'" for word in words)


def _numbered(sql: str) -> tuple[str, int]:
    """`%s` placeholders -> `$1`, `$2`, … (PostgreSQL's for PREPARE), and how many there are."""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("a prepared statement may hold no other '%' than its %s placeholders")
    text = parts[0]
    for number, part in enumerate(parts[1:], start=1):
        text += f"${number}{part}"
    return text, len(parts) - 1


class Statement:
    """One fixed statement: `build()` returns its SQL with `%s` placeholders (called once, at first use).

    On PostgreSQL the statement is prepared on each database connection at its first use there, on the raw
    connection (not a query of the request: it is neither logged nor counted), and run with EXECUTE. A prepared
    statement outlives rollbacks and lives as long as its connection; a new connection prepares it again.
    Parameter types are inferred by PostgreSQL from where each placeholder stands, so a placeholder must stand
    where its type is known (compared with a column, a VALUES slot of an INSERT, …).
    """

    def __init__(self, name: str, build: Callable[[], str]):
        if not name.isidentifier():
            raise ValueError(f"not a statement name: {name!r}")
        self.name = f"oskus_{name}"
        self._build = build

    @functools.cached_property
    def sql(self) -> str:
        return self._build()

    @functools.cached_property
    def _prepared(self) -> tuple[str, str]:
        numbered, count = _numbered(self.sql)
        arguments = f"({', '.join(['%s'] * count)})" if count else ""
        return f"PREPARE {self.name} AS {numbered}", f"EXECUTE {self.name}{arguments}"

    def _execute_sql(self) -> str:
        """PostgreSQL: the EXECUTE of the statement, prepared on this connection first if it is not yet."""
        prepare, execute = self._prepared
        db = _db()
        raw = db.connection
        with _PREPARED_LOCK:
            names = _PREPARED.setdefault(raw, set())
            known = self.name in names
        if not known:
            with db.wrap_database_errors, raw.cursor() as plain:  # Django's errors, as from its cursor
                plain.execute(prepare)
            with _PREPARED_LOCK:
                names.add(self.name)
        return execute

    def execute(self, cursor, params: Sequence = ()):
        """Run the statement on `cursor` (one of `django.db.connection`'s) and return the cursor."""
        if _db().vendor != "postgresql":
            cursor.execute(self.sql, params)
        else:
            cursor.execute(self._execute_sql(), params)
        return cursor

    def fetchone(self, params: Sequence = ()):
        with _db().cursor() as cursor:
            return self.execute(cursor, params).fetchone()


def fetchone_last(*steps: tuple[Statement, Sequence]):
    """Run the statements in order (the rows of all but the last are dropped) and return the last one's first row.

    On PostgreSQL they travel in one message, one round trip. Under READ COMMITTED each statement of such a
    message still takes its own snapshot when it starts, so a statement sees every row committed before it
    started: after a lock that an earlier one waited for, it sees what the lock's former holder committed. (One
    statement that locked and read would read with the snapshot taken before it waited.) Elsewhere one after
    the other.
    """
    if not steps:
        raise ValueError("no statements")
    db = _db()
    with db.cursor() as cursor:
        if db.vendor != "postgresql":
            for statement, params in steps:
                statement.execute(cursor, params)
            return cursor.fetchone()
        cursor.execute("; ".join(statement._execute_sql() for statement, _params in steps),
                       [param for _statement, params in steps for param in params])
        return cursor.fetchone()


class ModelColumns:
    """Some (default: all) concrete fields of `model`, in the model's field order, as a SELECT list, and rows of
    those columns back to instances as the ORM builds them (the other fields deferred). Columns are qualified by
    `alias`, or without one by their tables' names (a parent model's fields by the parent's table)."""

    def __init__(self, model: type[Model], fields: Iterable[str] | None = None, alias: str | None = None):
        wanted = None if fields is None else set(fields)
        self.model = model
        self.fields = tuple(field for field in model._meta.concrete_fields
                            if wanted is None or field.attname in wanted or field.name in wanted)
        if wanted is not None and len(self.fields) != len(wanted):
            known = {name for field in self.fields for name in (field.attname, field.name)}
            raise ValueError(f"{model.__name__} has no concrete fields {sorted(wanted - known)}")
        self.alias = alias
        self.attnames = tuple(field.attname for field in self.fields)

    @functools.cached_property
    def select_list(self) -> str:
        return ", ".join(f"{quote(self._table(field))}.{quote(field.column)}" for field in self.fields)

    def _table(self, field) -> str:
        return self.alias or field.model._meta.db_table

    @functools.cached_property
    def _converters(self) -> tuple:
        pairs = []
        for field in self.fields:
            column = field.get_col(self._table(field))
            pairs.append((column, tuple(connection.ops.get_db_converters(column)
                                        + field.get_db_converters(connection))))
        return tuple(pairs)

    def instance(self, values: Sequence) -> Model:
        """The model instance of one row's values (in `fields` order), as a queryset would return it."""
        values, db = list(values), _db()
        for index, (column, converters) in enumerate(self._converters):
            for converter in converters:
                values[index] = converter(values[index], column, db)
        if _loads_plainly(self.model, self.attnames):
            return _loaded(self.model, db.alias, self.attnames, values)
        return self.model.from_db(db.alias, self.attnames, values)


def _loaded(model: type[Model], alias: str, attnames: Sequence[str], values: Sequence) -> Model:
    """`Model.from_db` without `Model.__init__`: the row's values go straight into the instance's attributes
    (a field not given stays deferred), as `__init__` would set them one by one for positional values."""
    new = model.__new__(model)
    state = new._state = ModelState()
    state.adding, state.db = False, alias
    new.__dict__.update(zip(attnames, values, strict=True))
    return new


@functools.cache
def _row_inits() -> frozenset:
    """`__init__` methods that, given a loaded row's values by position (its key among them), do nothing beyond
    `Model.__init__`: modelcluster's only sorts out child relations passed as keyword arguments, Wagtail's
    page and menu mixin only set defaults of a *new* page. They ran for every cohort and course page the enroll
    POST loaded (modelcluster lists the model's child relations each time; bench/README.md)."""
    inits = {Model.__init__, object.__init__}
    try:
        from modelcluster.models import ClusterableModel
        from wagtail.models import AbstractPage, ShowInMenusMixin
    except ImportError:  # pragma: no cover - both are installed with the project
        return frozenset(inits)
    return frozenset(inits | {ClusterableModel.__init__, AbstractPage.__init__, ShowInMenusMixin.__init__})


@functools.cache
def _constructed_plainly(model: type[Model]) -> bool:
    return (model.from_db.__func__ is Model.from_db.__func__
            and all(klass.__dict__["__init__"] in _row_inits()
                    for klass in model.__mro__ if "__init__" in klass.__dict__))


def _loads_plainly(model: type[Model], attnames: Sequence[str]) -> bool:
    """Whether `_loaded` builds the instance `model.from_db` would: no `from_db` or `__init__` of its own beyond
    the known ones, the key among the values, and nobody listening to `pre_init` / `post_init` (ImageField's
    dimensions do), which `__init__` sends."""
    return (_constructed_plainly(model) and model._meta.pk.attname in attnames
            and not signals.pre_init.has_listeners(model) and not signals.post_init.has_listeners(model))


@functools.cache
def _insert_statement(model: type[Model], with_pk: bool) -> tuple[Statement, tuple]:
    meta = model._meta
    fields = tuple(field for field in meta.concrete_fields if with_pk or not field.primary_key)
    returning = "" if with_pk or not connection.features.can_return_columns_from_insert else \
        f" RETURNING {quote(meta.pk.column)}"

    def build() -> str:
        columns = ", ".join(quote(field.column) for field in fields)
        return (f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
                f"VALUES ({', '.join(['%s'] * len(fields))}){returning}")

    name = f"insert_{meta.app_label}_{meta.model_name}{'_pk' if with_pk else ''}"
    return Statement(name, build), fields


def _prepare_insert(instance: Model) -> tuple[Statement, tuple, bool]:
    """Checks and `pre_save` of `insert`; the statement, its fields and whether the key is set already."""
    model = type(instance)
    meta = model._meta
    if meta.parents or meta.proxy:
        raise TypeError(f"leansql.insert handles models without parents, not {model.__name__}")
    if not instance._state.adding:
        raise ValueError(f"{model.__name__} {instance.pk} is saved already")
    instance._prepare_related_fields_for_save(operation_name="save")
    signals.pre_save.send(sender=model, instance=instance, raw=False, using=_db().alias, update_fields=None)
    with_pk = instance.pk is not None
    statement, fields = _insert_statement(model, with_pk)
    return statement, fields, with_pk


def _inserted(instance: Model, pk) -> None:
    """The end of `insert`: the key, the state and `post_save`."""
    using = _db().alias
    if pk is not None:
        setattr(instance, instance._meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = using
    signals.post_save.send(sender=type(instance), instance=instance, created=True, update_fields=None, raw=False,
                           using=using)


def insert(instance: Model) -> Model:
    """Save a new `instance` with one INSERT, as `instance.save()` would (defaults, `auto_now_add`, field
    preparation, the primary key set, `pre_save`/`post_save` sent with `created=True`)."""
    statement, fields, with_pk = _prepare_insert(instance)
    db = _db()
    params = [field.get_db_prep_save(field.pre_save(instance, True), db) for field in fields]
    pk = None
    with db.cursor() as cursor:
        statement.execute(cursor, params)
        if not with_pk:
            if db.features.can_return_columns_from_insert:
                pk = cursor.fetchone()[0]
            else:
                pk = db.ops.last_insert_id(cursor, instance._meta.db_table, instance._meta.pk.column)
    _inserted(instance, pk)
    return instance


@functools.cache
def _insert_all_statement(shapes: tuple[tuple[type[Model], bool], ...]) -> Statement:
    """One statement that inserts one row of each (model, key given) and returns the keys in that order: each
    INSERT in its own WITH clause (PostgreSQL). Relations between the rows are to keys given in advance."""
    def build() -> str:
        clauses, keys = [], []
        for number, (model, with_pk) in enumerate(shapes):
            statement, _fields = _insert_statement(model, with_pk)
            returning = "" if statement.sql.endswith(f" RETURNING {quote(model._meta.pk.column)}") else \
                f" RETURNING {quote(model._meta.pk.column)}"
            clauses.append(f"row{number} AS ({statement.sql}{returning})")
            keys.append(f"(SELECT {quote(model._meta.pk.column)} FROM row{number})")  # noqa: S608 - a model's name
        return f"WITH {', '.join(clauses)} SELECT {', '.join(keys)}"

    labels = "|".join(f"{model._meta.label}:{with_pk}" for model, with_pk in shapes)
    return Statement(f"insert_all_{hashlib.sha256(labels.encode()).hexdigest()[:16]}", build)


def insert_all(*instances: Model, defer: bool = False) -> list[Model]:
    """`insert` for several new instances in one statement, one round trip on PostgreSQL (elsewhere one INSERT
    each). A relation between them must name a key set in advance (`instance.pk` given): the statement's
    INSERTs run together, none sees another's generated key. `pre_save` is sent for all of them first, in
    order, then `post_save`.

    `defer`: every key is given, so nothing is read back, and inside atomic() the statement is not sent alone
    but with the transaction's next statement or its COMMIT (`oskus.postgresql`'s `defer`): no round trip of
    its own. Its errors (a unique violation) then rise from that statement or from the end of the atomic block.
    """
    db = _db()
    if db.vendor != "postgresql" or len(instances) < 2:
        return [insert(instance) for instance in instances]
    prepared = [_prepare_insert(instance) for instance in instances]
    pairs = list(zip(instances, prepared, strict=True))
    params = [field.get_db_prep_save(field.pre_save(instance, True), db)
              for instance, (_statement, fields, _with_pk) in pairs for field in fields]
    statement = _insert_all_statement(tuple((type(instance), with_pk) for instance, (_s, _f, with_pk) in pairs))
    keys = [instance.pk for instance in instances]
    if not (defer and None not in keys and getattr(db, "defer", None) and db.defer(statement._execute_sql(), params)):
        with db.cursor() as cursor:
            keys = statement.execute(cursor, params).fetchone()
    for instance, pk in zip(instances, keys, strict=True):
        _inserted(instance, pk)
    return list(instances)
