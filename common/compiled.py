"""Hot querysets compiled to SQL once, then run with another value.

Building a queryset and compiling it to SQL is pure Python work that gives the same SQL every
time for a statement whose shape never changes: the run lock (a run with its course, two
EXISTS and FOR UPDATE) cost about 1.2 ms of CPU in building and compiling per registration,
more than PostgreSQL took to run it. :class:`CompiledQuery` compiles such a queryset once per
process and database backend and then only executes the SQL with the new value. Rows become
model instances as a queryset makes them (Django's own converters, ``select_related`` objects
and annotations), so callers see no difference.

Only for querysets that take exactly one value (a primary key) and return model instances;
``prefetch_related`` is not carried over (the caller prefetches).
"""

from django.db import connections
from django.db.models.query import get_related_populators

# Stands in for the value while compiling, then found again among the compiled parameters. An
# id no row has, and within a 32-bit integer column's range (Django compiles a value out of a
# column's range to an empty result, without SQL).
PLACEHOLDER = -1_999_999_999


class CompiledQuery:
    def __init__(self, build):
        """``build(value)`` returns the queryset for ``value``."""
        self.build = build
        self._compiled = {}

    def _compile(self, queryset):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        params = list(params)
        if params.count(PLACEHOLDER) != 1:
            raise ValueError("A compiled query takes exactly one value")
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return {
            "sql": sql,
            "params": params,
            "slot": params.index(PLACEHOLDER),
            "compiler": compiler,
            "model": klass_info["model"],
            "init_list": [column[0].target.attname for column in select[start:end]],
            "model_slice": slice(start, end),
            "populators": get_related_populators(klass_info, select, queryset.db),
            "annotations": list(compiler.annotation_col_map.items()),
        }

    def __call__(self, value, using="default"):
        """The model instances the queryset for ``value`` would return."""
        connection = connections[using]
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            compiled = self._compiled[connection.vendor] = self._compile(self.build(PLACEHOLDER))
        params = list(compiled["params"])
        params[compiled["slot"]] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled["sql"], params)
            rows = cursor.fetchall()
        objects = []
        for row in compiled["compiler"].results_iter([rows]):
            obj = compiled["model"].from_db(
                using, compiled["init_list"], row[compiled["model_slice"]]
            )
            for populator in compiled["populators"]:
                populator.populate(row, obj)
            for name, position in compiled["annotations"]:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
