"""Hostile input, property-based (hypothesis): every form and every URL that takes a POST.

1. Every Django form class defined in a ``los.<app>.forms`` module (found generically, so new apps' forms
   are included as they appear) gets hostile values for every field: huge strings, control characters, NUL
   bytes, mixed scripts and right-to-left overrides, HTML/script and template syntax, SQL fragments, dates
   out of range, invalid fødselsnummer, numbers that overflow, hostile uploads (wrong type, path names,
   a zip bomb). ``is_valid()`` must never raise, an invalid form must carry error messages, and some
   values must always be refused: NUL bytes in text, an invalid fødselsnummer, an impossible date.
2. Every URL pattern of the project (the Django admin aside: staff only, Django's own) gets a POST of
   hostile values, as the demo family's logged-in barnekoordinator, for the fields its page shows (read from
   the GET response's HTML) or, when there is no page, for common field names. No response may be a 500
   and no view may raise. Each POST is rolled back, so one request cannot spoil the next.

Bounded: few examples per form and per URL, no deadline; the whole module runs in well under a minute.
"""

from __future__ import annotations

import importlib
import inspect
import io
import re
import traceback
import typing
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from los.access.models import Category
from los.families.models import Family

BOUNDED = hsettings(max_examples=6, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))

HUGE = "A" * 100_000
HOSTILE_TEXT = [
    "", " ", "\x00", "abc\x00def", "\x07\x08\x1b[31mred\x1b[0m", "tab\there\r\nnew\rline", "\u202eevil.exe",
    "\ufeff\u200b\u200d", HUGE, "😀" * 3000, "Ω≈ç√∫ Ærlig Øy Åse", "Зоя Ølstad", "نص عربي مع æøå", "𝕏𝕐ℤ",
    "a\u0301" * 500, "ﷺ" * 200, "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "{{ request.user }}{% debug %}", "${7*7}", "' OR '1'='1", "1; DROP TABLE families_family; --",
    "%", "_", "\\", "../../../../etc/passwd", "%00", "\r\nX-Injected: 1", "null", "None", "true",
    "NaN", "-1", "0", "99999999999999999999999999", "1e309", "0x41", "١٢٣", "9" * 400,
]
HOSTILE_DATES = ["0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "-0001-01-01", "2026-02-30",
                 "2026-13-01", "31.12.2026", "1900-01-01", "2026-11-23T25:61", "99999999999", "1e10"]
INVALID_DATES = ["0000-01-01", "10000-01-01", "-0001-01-01", "2026-02-30", "2026-13-01"]
INVALID_FNR = ["01010112345", "00000000000", "12345678901", "abcdefghijk", "0101011234", "010101123456",
               "31129912345", "\x0001010112345", "0101011234٥"]
HOSTILE_NUMBERS = ["1e309", "-99999999999999999999999", "99999999999999999999999999999", "NaN", "inf",
                   "-inf", "0x10", "١٢٣", "1,5", "1.5.5", "", "-0", " 7 "]
text = st.one_of(st.sampled_from(HOSTILE_TEXT),
                 st.text(st.characters(exclude_categories=("Cs",)), max_size=200))


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


ZIP_BOMB = _zip_bomb()
HOSTILE_FILES = [
    ("brev.pdf", b"MZ\x90\x00 this is a Windows program", "application/pdf"),
    ("../../../etc/passwd", b"root:x:0:0", "text/plain"),
    ("bombe.pdf", ZIP_BOMB, "application/pdf"),
    ("tom.pdf", b"", "application/pdf"),
    ("<script>.html", b"<script>alert(1)</script>", "text/html"),
    ("navn\u202efdp.exe", b"%PDF-1.7 fake", "application/pdf"),
    ("a" * 300 + ".pdf", b"%PDF-1.4\n", "application/pdf"),
]


def hostile_file(index: int) -> SimpleUploadedFile:
    name, content, content_type = HOSTILE_FILES[index % len(HOSTILE_FILES)]
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- the world the forms and pages need -------------------------------------------------------------------


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}}}
    from los.accounts.models import User
    from los.core.demo.seed import build

    ctx = build("demo", seed=1, today=date.today())
    ctx.coordinator = User.objects.get(username="koordinator")
    from los.access.policy import can

    assert can(ctx.coordinator, "change", ctx.demo_family)  # the POSTs reach the views, not only the 404
    return ctx


def _instances(model: type[models.Model], family: Family, limit: int = 5, create: bool = True) -> list:
    """Rows of ``model`` for the demo family (or any), made up on the spot when the demo has none."""
    manager = model._base_manager
    names = {f.name for f in model._meta.get_fields()}
    if model is Family:
        return [family]
    if "family" in names:
        found = list(manager.filter(family=family)[:limit])
        if found:
            return found
    found = list(manager.all()[:limit])
    if found or not create:
        return found
    try:
        with transaction.atomic():
            return [_make(model, family)]
    except Exception:  # noqa: BLE001 - a model whose rules the generic maker does not know
        return []


def _make(model: type[models.Model], family: Family, depth: int = 0) -> models.Model:
    """A row of ``model`` with plausible values in its required fields, for forms that need one."""
    values: dict = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.has_default() or f.null or getattr(f, "auto_now", False) or getattr(
                f, "auto_now_add", False):
            continue
        if f.is_relation:
            target = f.related_model
            if target is Family:
                values[f.name] = family
            elif f.name == "municipality":
                values[f.name] = family.municipality
            elif depth < 3:
                existing = (target._base_manager.filter(family=family).first()
                            if any(x.name == "family" for x in target._meta.concrete_fields) else None)
                values[f.name] = existing or target._base_manager.first() or _make(target, family, depth + 1)
        elif f.choices:
            values[f.name] = f.choices[0][0]
        elif isinstance(f, models.DateTimeField):
            values[f.name] = timezone.now()
        elif isinstance(f, models.DateField):
            values[f.name] = timezone.localdate()
        elif isinstance(f, models.BooleanField):
            values[f.name] = False
        elif isinstance(f, models.IntegerField | models.FloatField | models.DecimalField):
            values[f.name] = 1
        elif isinstance(f, models.JSONField):
            values[f.name] = []
        elif not f.blank:
            values[f.name] = "Test"
    return model._base_manager.create(**values)


def _model_named(word: str) -> type[models.Model] | None:
    word = word.lower().rstrip("s")
    exact = [m for m in apps.get_models() if m._meta.model_name == word]
    if exact:
        return exact[0]
    suffix = [m for m in apps.get_models() if m._meta.model_name.endswith(word) and m.__module__.startswith("los.")]
    return suffix[0] if suffix else None


def _resolve(parameter: inspect.Parameter, hint, ctx) -> object:
    """A value for a form's constructor argument, from its annotation or its name."""
    family, user = ctx.demo_family, ctx.coordinator
    name = parameter.name
    if name == "request":
        request = RequestFactory().post("/")
        request.user = user
        request.session = {}
        return request
    if name == "user":
        return user
    if hint is not None:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if hint is bool:
            return True
        simple = {date: timezone.localdate, datetime: timezone.now, int: lambda: 1, str: lambda: ""}
        if hint in simple:
            return simple[hint]()
        if inspect.isclass(hint) and issubclass(hint, models.Model):
            found = _instances(hint, family, 1)
            return found[0] if found else None
        if origin in (list, tuple, set, typing.Sequence, typing.Iterable) or hint in (list, tuple):
            inner = args[0] if args else None
            options = typing.get_args(inner) if typing.get_origin(inner) in (typing.Union, type(int | str)) else (
                (inner,) if inner is not None else ())
            values: list = []
            for option in options:
                if inspect.isclass(option) and issubclass(option, models.Model):
                    values.extend(_instances(option, family))
                elif inspect.isclass(option) and issubclass(option, Category | models.Choices):
                    values.extend(list(option))
            return values
    model = _model_named(name)
    if model is not None:
        found = _instances(model, family)
        if name.endswith("s"):
            return model._base_manager.filter(pk__in=[o.pk for o in found])
        return found[0] if found else None
    return None


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("los."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.forms":
                continue
            raise
        for obj in vars(module).values():
            if (inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__
                    and not obj.__name__.startswith("_")):  # _Private: a building block, never used alone
                found.append(obj)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _constructor_parameters(form_class) -> list[tuple[inspect.Parameter, object]]:
    """The arguments a form's constructor needs, including those its base classes take through ``**kwargs``."""
    seen: dict[str, tuple[inspect.Parameter, object]] = {}
    for klass in form_class.__mro__:
        if klass in (forms.Form, forms.ModelForm, forms.BaseForm, forms.BaseModelForm) or "__init__" not in vars(klass):
            continue
        init = vars(klass)["__init__"]
        try:
            hints = typing.get_type_hints(init)
        except Exception:  # noqa: BLE001 - annotations only importable for type checking: fall back to names
            hints = {}
        for parameter in list(inspect.signature(init).parameters.values())[1:]:
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) or parameter.name in (
                    "data", "files"):
                continue
            if parameter.default is not parameter.empty and parameter.name != "request":
                continue
            seen.setdefault(parameter.name, (parameter, hints.get(parameter.name)))
    return list(seen.values())


def _accepts(form_class, name: str) -> bool:
    """Whether the form's constructor takes ``name`` (directly or through ``**kwargs`` down to BaseForm)."""
    for klass in form_class.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        parameters = inspect.signature(init).parameters
        if name in parameters:
            return True
        if not any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
            return False
    return False


def _build(form_class, ctx, **data):
    data.setdefault("data", None)
    if not _accepts(form_class, "files") or not data.get("files"):
        data.pop("files", None)
    args, kwargs = [], {}
    for parameter, hint in _constructor_parameters(form_class):
        value = _resolve(parameter, hint, ctx)
        if parameter.kind == parameter.POSITIONAL_OR_KEYWORD and not kwargs and parameter.name != "request":
            args.append(value)
        else:
            kwargs[parameter.name] = value
    return form_class(*args, **kwargs, **data)


def _is_fnr_field(name: str) -> bool:
    return "fodselsnummer" in name or name.endswith("fnr")


def _value_strategy(name: str, field: forms.Field):
    if isinstance(field, forms.FileField):
        return st.integers(0, len(HOSTILE_FILES) - 1).map(hostile_file)
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(text, max_size=4)
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return st.one_of(st.sampled_from(HOSTILE_DATES), text)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(st.sampled_from(HOSTILE_NUMBERS), text)
    if _is_fnr_field(name):
        return st.one_of(st.sampled_from(INVALID_FNR), text)
    return text


def _must_refuse(name: str, field: forms.Field, value) -> bool:
    """Values every form must refuse for this field, whatever else it does."""
    if not isinstance(value, str):
        return False
    if isinstance(field, forms.CharField) and "\x00" in value:
        return True
    if _is_fnr_field(name) and value in INVALID_FNR:
        return True
    if isinstance(field, forms.DateField) and value in INVALID_DATES:
        return True
    too_long = [v for v in field.validators if isinstance(v, MaxLengthValidator) and len(value.strip()) > v.limit_value]
    return bool(isinstance(field, forms.CharField) and too_long)


def _form_property(form_class, blank, fields, ctx):
    """The hypothesis property for one form class."""

    @BOUNDED
    @given(values=st.fixed_dictionaries({name: _value_strategy(name, f) for name, f in fields.items()}))
    def check(values):
        data, files = MultiValueDict(), MultiValueDict()
        for name, value in values.items():
            key = blank.add_prefix(name)
            if isinstance(value, SimpleUploadedFile):
                files[key] = value
            elif isinstance(value, list):
                data.setlist(key, value)
            else:
                widget = fields[name].widget
                if isinstance(widget, forms.MultiWidget):
                    for suffix in widget.widgets_names:
                        data[key + suffix] = value
                else:
                    data[key] = value
        with transaction.atomic():
            form = _build(form_class, ctx, data=data, files=files)
            valid = form.is_valid()
            str(form)  # the page re-renders the form with its errors
            transaction.set_rollback(True)
        if not valid:
            assert form.errors, "an invalid form without any message"
            for messages in form.errors.values():
                assert messages and all(isinstance(m, str) and m.strip() for m in messages)
        for name, value in values.items():
            if _must_refuse(name, fields[name], value):
                assert name in form.errors, f"{name}={value[:40]!r} was accepted"

    return check


def test_the_hostile_values_are_what_they_claim():
    from stdnum.no import fodselsnummer

    assert not any(fodselsnummer.is_valid(value) for value in INVALID_FNR)
    assert zipfile.ZipFile(io.BytesIO(ZIP_BOMB)).infolist()[0].file_size > 200 * len(ZIP_BOMB)


def test_every_forms_module_is_found():
    classes = _form_classes()
    modules = {c.__module__ for c in classes}
    assert "los.accounts.forms" in modules and len(classes) >= 10, modules


@pytest.mark.django_db
def test_every_form_answers_hostile_input_with_messages_and_never_raises(demo):
    failures: list[str] = []
    checked = 0
    translation.activate("nb")
    for form_class in _form_classes():
        try:
            blank = _build(form_class, demo)
        except Exception as exc:  # noqa: BLE001 - reported below with the form's name
            failures.append(f"{form_class.__module__}.{form_class.__qualname__}: cannot be built for the test "
                            f"({type(exc).__name__}: {exc}); teach _resolve() its constructor arguments")
            continue
        fields = {name: field for name, field in blank.fields.items() if not field.disabled}
        check = _form_property(form_class, blank, fields, demo)
        try:
            check()
            checked += 1
        except Exception:  # noqa: BLE001 - collected so that one report lists every form that fails
            failures.append(f"{form_class.__module__}.{form_class.__qualname__}:\n{traceback.format_exc()[-1500:]}")
    translation.deactivate()
    assert not failures, "\n\n".join(failures)
    assert checked >= 10


# --- every URL that accepts a POST ------------------------------------------------------------------------


class _FieldNames(HTMLParser):
    """The fields of the page's forms that post back to the page itself (other forms, like the log-out
    button in the layout, post to URLs of their own), with their type and the values the page offers."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.fields: dict[str, dict] = {}
        self._inside = False  # inside a form that posts to this page
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = (attrs.get("action") or "").split("?")[0].split("#")[0]
            self._inside = (attrs.get("method") or "get").lower() == "post" and action in ("", ".", self.url)
            return
        if not self._inside:
            return
        name = attrs.get("name")
        if tag in ("input", "textarea", "select", "button") and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", tag) if tag in ("input", "button") else tag
            entry = self.fields.setdefault(name, {"type": kind, "options": []})
            if tag in ("input", "button") and kind in ("radio", "checkbox", "hidden", "submit") and attrs.get("value"):
                entry["options"].append(attrs["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields[self._select]["options"].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._inside = False


GENERIC_FIELDS = {"text": {"type": "textarea", "options": []}, "version": {"type": "hidden", "options": []},
                  "comment": {"type": "textarea", "options": []}, "date": {"type": "date", "options": []},
                  "next": {"type": "hidden", "options": []}}


def _patterns(resolver=None, namespace=None, prefixes=()):
    """(namespace, pattern, the patterns of the includes it stands in) for every URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            yield from _patterns(entry, f"{namespace}:{inner}" if namespace and inner else inner or namespace,
                                 (*prefixes, entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespace, entry, prefixes


def _parameters(entry: URLPattern, prefixes=()) -> dict[str, list[str]]:
    """Each URL parameter with its candidate values' kind: ``int``, ``str`` or literal alternatives; also those of
    the includes the pattern stands in (a family's path prefix written once for an app's family pages)."""
    out: dict[str, list[str]] = {}
    for pattern in (*prefixes, entry.pattern):
        converters = getattr(pattern, "converters", {})
        for name in re.compile(pattern.regex.pattern).groupindex:
            converter = converters.get(name)
            group = re.search(rf"\(\?P<{name}>([^)]*)\)", pattern.regex.pattern)
            literal = group.group(1).split("|") if group and re.fullmatch(r"[\w|-]+", group.group(1)) else []
            if literal:
                out[name] = literal
            elif converter is not None and converter.regex == "[0-9]+" or (group and group.group(1) == "[0-9]+"):
                out[name] = ["int"]
            else:
                out[name] = ["str"]
    return out


def _candidates(name: str, kind: str, namespace: str, url_name: str, ctx) -> list:
    family = ctx.demo_family
    if kind not in ("int", "str"):
        return [kind]
    if "family" in name:
        return [family.pk]
    app_models = [m for m in apps.get_app_config(namespace.split(":")[0]).get_models()] if namespace else []
    if kind == "str":
        for model in app_models:
            if any(f.name == name for f in model._meta.concrete_fields):
                value = model._base_manager.values_list(name, flat=True).first()
                if value:
                    return [str(value)]
        return ["x"]
    word = name.removesuffix("_pk").removesuffix("_id")
    tokens = set(url_name.split("_")) | ({word} if word != "pk" else set())
    ranked = sorted(app_models, key=lambda m: (not any(t and (t in m._meta.model_name or m._meta.model_name in t)
                                                       for t in tokens), m._meta.model_name))
    if word != "pk" and (model := _model_named(word)) is not None and model not in ranked:
        ranked.insert(0, model)
    values = []
    for model in ranked[:4]:
        found = _instances(model, family, 1, create=False)
        if found and found[0].pk not in values:
            values.append(found[0].pk)
    return values or [family.pk]


def _download(entry: URLPattern) -> bool:
    route = str(entry.pattern).rstrip("$")
    return route.endswith((".pdf", ".ics", "/pdf/"))


def _urls(ctx, client) -> list[tuple[str, dict, bool]]:
    """(url, fields, whether the page posts to itself) for every pattern outside the admin, each with
    parameter values that open a page."""
    out = []
    for namespace, entry, prefixes in _patterns():
        if namespace and namespace.split(":")[0] == "admin":
            continue
        name = f"{namespace}:{entry.name}" if namespace else entry.name
        params = _parameters(entry, prefixes)
        options = {p: [v for kind in kinds for v in _candidates(p, kind, namespace or "", entry.name or "", ctx)]
                   for p, kinds in params.items()}
        chosen = None
        for attempt in range(4):
            kwargs = {p: values[min(attempt, len(values) - 1)] for p, values in options.items()}
            try:
                url = reverse(name, kwargs=kwargs) if entry.name else None
            except NoReverseMatch:
                continue
            if url is None:
                break
            if _download(entry):  # a PDF or calendar file: nothing to read from it, and slow to make
                chosen = (url, None)
                break
            client.force_login(ctx.coordinator)
            response = client.get(url)
            chosen = (url, response)
            if response.status_code != 404 or not params:
                break
        if chosen is None:
            raise AssertionError(f"cannot build a URL for {name} with {options}")
        url, response = chosen
        parser = _FieldNames(url)
        if response is not None and response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser.feed(response.content.decode(errors="replace"))
        fields = parser.fields or dict(GENERIC_FIELDS)
        has_form = bool(parser.fields) or response is None or response.status_code != 200
        out.append((url, fields, has_form))
    return out


NASTY = "ﷺ\u202e ' OR '1'='1 <script>alert(1)</script>\x00{{ x }}"


def _fixed_value(name: str, spec: dict, nasty: str):
    kind = spec["type"]
    if kind == "file":
        return hostile_file(2 if nasty is HUGE else 0)
    if kind in ("date", "datetime-local"):
        return "2026-02-30" if nasty is NASTY else "10000-01-01"
    if _is_fnr_field(name):
        return INVALID_FNR[0]
    return nasty


def _hostile_value(data, name: str, spec: dict):
    kind = spec["type"]
    if kind == "file":
        return data.draw(st.integers(0, len(HOSTILE_FILES) - 1).map(hostile_file), label=name)
    choices = list(spec["options"])
    if kind in ("date", "datetime-local"):
        pool = st.sampled_from(HOSTILE_DATES)
    elif kind == "number":
        pool = st.sampled_from(HOSTILE_NUMBERS)
    elif _is_fnr_field(name):
        pool = st.sampled_from(INVALID_FNR)
    else:
        pool = text
    strategy = st.one_of(pool, st.sampled_from(choices)) if choices else pool
    if kind == "checkbox" and len(choices) > 1:
        return data.draw(st.lists(strategy, max_size=3), label=name)
    return data.draw(strategy, label=name)


@pytest.mark.django_db
def test_no_url_answers_hostile_posts_with_a_server_error(demo, client):
    urls = _urls(demo, client)
    assert len(urls) >= 20
    failures: list[str] = []

    ignores_post: set[str] = set()

    def post_all(value_for) -> None:
        for url, fields, has_form in urls:
            if url in ignores_post:
                continue
            payload = {name: value_for(name, spec) for name, spec in fields.items()}
            client.force_login(demo.coordinator)
            try:
                with transaction.atomic():
                    response = client.post(url, payload)
                    transaction.set_rollback(True)
            except Exception as exc:  # noqa: BLE001 - every failing URL is listed in the report
                failures.append(f"POST {url} raised {type(exc).__name__}: {str(exc)[:300]}\n"
                                f"{''.join(traceback.format_tb(exc.__traceback__)[-3:])}")
                continue
            if response.status_code >= 500:
                failures.append(f"POST {url} answered {response.status_code}")
            elif (response.status_code == 405 or not response.get("Content-Type", "").startswith("text/html")
                  or (response.status_code == 200 and not has_form)):
                # refuses POST, answers it with a download, or shows the page as if it were a GET:
                # the first sweep was enough
                ignores_post.add(url)

    # A fixed sweep with the nastiest values in every field (hypothesis starts from the simplest ones)...
    post_all(lambda name, spec: _fixed_value(name, spec, NASTY))

    # ...then hypothesis draws a different mix for every field of every URL.
    @hsettings(max_examples=2, deadline=None, database=None, derandomize=True,
               suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def sweep(data):
        post_all(lambda name, spec: _hostile_value(data, name, spec))

    sweep()
    unique = list(dict.fromkeys(f.split("\n")[0] for f in failures))
    assert not failures, f"{len(unique)} failing requests, e.g.:\n\n" + "\n\n".join(
        next(f for f in failures if f.startswith(u)) for u in unique[:15])
