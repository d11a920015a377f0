"""Module instances: one module definition evaluated with its inputs bound.

The root module of a configuration is one instance; each module call creates one instance per
``count``/``for_each`` key (or one unexpanded instance when the keys are unknown). A call whose
``count``/``for_each`` gives no key has no instance, as in Terraform (its outputs are ``[]`` or ``{}``),
and one *dormant* instance besides: evaluated like an unknown key, so that what enabling the call adds
is still read and reported as conditional. Children and outputs
are built lazily and cached, so a module's inputs may use another module's outputs; cycles end in
``Unknown``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..model import Location, Unknown
from ..secrets import is_secret_key
from .arguments import ResourceArguments
from .evaluate import Evaluator
from .expand import UNKNOWN_BINDINGS, expand, instance_key
from .expressions import Expr, Traversal
from .hcl import Literal, ObjectExpr
from .modules import Declared, ModuleDef
from .scope import SECRET, Scope, is_known

#: Module calls nested deeper than this are not followed (a module that calls itself).
MAX_MODULE_DEPTH = 12

Step = tuple[str, Any]  # (module call name, instance key or None)


@dataclass
class Context:
    """What all instances of one configuration share."""

    configuration: str
    evaluator: Evaluator
    #: (calling module's directory, source, module key path) → module definition or None (unresolved).
    resolve: Callable[[str, str, str], ModuleDef | None]
    #: Called with every value of a sensitive variable, so that it can be scrubbed from other text.
    remember: Callable[[Any], None] = lambda value: None
    #: The configuration's ``references.Resolver``, made on first use (it remembers what names resolve to).
    resolver: Any = None
    #: The text of a file below the scanned root (``templatefile()`` of a helm_release), None if unreadable.
    read_text: Callable[[str], str | None] = lambda rel: None
    #: ``helm_release`` blocks of local charts met while walking (``helm_values.ChartRelease``).
    releases: list = field(default_factory=list)
    #: The traversals of each expression, by expression and bound names (``references.Resolver``); the
    #: configurations of one scan may share one, since the traversals depend on the expression alone.
    traversals: dict | None = None
    #: Variable defaults evaluated (in an empty scope, so the same for every instance of a module).
    defaults: dict = field(default_factory=dict)

    def default_of(self, expr: Expr) -> Any:
        """The value of a variable's default expression."""
        if expr not in self.defaults:
            self.defaults[expr] = self.evaluator.evaluate(expr, Scope())
        return self.defaults[expr]


def variable_name(expr: Any) -> str | None:
    """``x`` when ``expr`` is exactly ``var.x``."""
    if isinstance(expr, Traversal) and expr.root == "var" and len(expr.steps) == 1:
        kind, name = expr.steps[0]
        if kind == "attr" and isinstance(name, str):
            return name
    return None


#: Reference following asks for the prefixes of the same few module paths again and again.
@lru_cache(maxsize=4096)
def module_prefix(steps: tuple[Step, ...], keep_keys: int | None = None) -> str:
    """``module.a["k"].module.b.`` — keys kept for the first ``keep_keys`` steps (all by default)."""
    parts = []
    for index, (name, key) in enumerate(steps):
        keep = keep_keys is None or index < keep_keys
        parts.append(f"module.{name}{instance_key(key) if keep else ''}.")
    return "".join(parts)


@dataclass
class Children:
    mode: str  # "single" | "count" | "for_each" | "unknown" | "unresolved" | "busy"
    instances: list[ModuleInstance] = field(default_factory=list)
    call: Declared | None = None
    #: The one dormant instance of a call whose count/for_each gives no key.
    dormant: list[ModuleInstance] = field(default_factory=list)

    @property
    def walked(self) -> list[ModuleInstance]:
        """The instances whose contents are reported: the real ones, else the dormant one."""
        return self.instances or self.dormant


@dataclass(eq=False)
class ModuleInstance:
    context: Context
    module: ModuleDef
    steps: tuple[Step, ...] = ()
    parent: ModuleInstance | None = None
    call: Declared | None = None
    call_scope: Scope | None = None
    expanded: bool = True
    #: For a dormant instance and everything inside it: the dormant instance whose call has no key.
    switched_off_at: ModuleInstance | None = field(default=None, repr=False)
    variables: dict[str, Any] = field(default_factory=dict)
    #: Where each variable's value was written (a ``.tfvars`` line, a default, a module call argument).
    origins: dict[str, Location] = field(default_factory=dict)
    providers: dict[str, Any] = field(default_factory=dict)
    scope: Scope = field(init=False)
    _children: dict[str, Children] = field(default_factory=dict)
    _outputs: dict[str, Any] | None = None
    _outputs_busy: bool = False

    def __post_init__(self) -> None:
        self.scope = Scope(
            self.variables,
            self.module.locals,
            {},
            self.module_value,
            self.module.directory,
            resources=ResourceArguments(
                self.module.resources,
                self.steps,
                module_prefix(self.steps),
                module_prefix(self.steps, keep_keys=0),
            ),
        )
        self.providers = {**self.providers, **self._own_providers()}

    @property
    def prefix(self) -> str:
        return module_prefix(self.steps)

    def _own_providers(self) -> dict[str, Any]:
        found = {}
        for block in self.module.providers:
            alias = block.body.attributes.get("alias")
            name = block.labels[0]
            if alias is not None:
                alias_value = self.context.evaluator.evaluate(alias.expr, self.scope)
                name = f"{name}.{alias_value}" if isinstance(alias_value, str) else name
            region = block.body.attributes.get("region")
            found[name] = self.context.evaluator.evaluate(region.expr, self.scope) if region else None
        return found

    def module_value(self, name: str) -> Any:
        children = self.children(name)
        if children.mode in ("unresolved", "unknown", "busy"):
            return Unknown(f"module.{name}")
        outputs = [child.outputs() for child in children.instances]
        if children.mode == "single":
            return outputs[0]
        if children.mode == "count":
            return outputs
        return {child.steps[-1][1]: out for child, out in zip(children.instances, outputs, strict=True)}

    def outputs(self) -> dict[str, Any]:
        if self._outputs is not None:
            return self._outputs
        if self._outputs_busy:
            return {name: Unknown(f"module.{self.steps[-1][0]}.{name}") for name in self.module.outputs}
        self._outputs_busy = True
        try:
            values = {}
            for name, (expr, sensitive) in self.module.outputs.items():
                value = self.context.evaluator.evaluate(expr, self.scope)
                values[name] = SECRET if sensitive else value
        finally:
            self._outputs_busy = False
        self._outputs = values
        return values

    def children(self, name: str) -> Children:
        if name in self._children:
            return self._children[name]
        call = self.module.calls.get(name)
        if call is None:
            return Children("unresolved")
        self._children[name] = Children("busy", call=call)
        result = self._build_children(call)
        self._children[name] = result
        return result

    def _build_children(self, call: Declared) -> Children:
        evaluator = self.context.evaluator
        source_attr = call.block.body.attributes.get("source")
        source = source_attr.expr.value if source_attr and isinstance(source_attr.expr, Literal) else None
        key_path = ".".join([*(s[0] for s in self.steps), call.name])
        definition = None
        if isinstance(source, str) and len(self.steps) < MAX_MODULE_DEPTH:
            definition = self.context.resolve(self.module.directory, source, key_path)
        if definition is None or self._calls_itself(definition):
            return Children("unresolved", call=call)
        expansion = expand(call.block.body, self.scope, evaluator.evaluate)
        attrs = call.block.body.attributes
        mode = "count" if "count" in attrs else "for_each" if "for_each" in attrs else "single"
        if expansion is None:
            mode, expansion = "unknown", [(None, UNKNOWN_BINDINGS)]
        if not expansion:
            dormant = self._instance(call, definition, None, UNKNOWN_BINDINGS, expanded=False)
            dormant.switched_off_at = dormant.switched_off_at or dormant
            return Children(mode, [], call, [dormant])
        instances = [
            self._instance(call, definition, key, bindings, expanded=mode != "unknown")
            for key, bindings in expansion
        ]
        return Children(mode, instances, call)

    def _instance(
        self, call: Declared, definition: ModuleDef, key: Any, bindings: dict, expanded: bool
    ) -> ModuleInstance:
        call_scope = self.scope.bind(**bindings)
        return ModuleInstance(
            self.context,
            definition,
            (*self.steps, (call.name, key)),
            self,
            call,
            call_scope,
            expanded=self.expanded and expanded,
            switched_off_at=self.switched_off_at,
            variables=self._inputs(call, definition, call_scope),
            origins=self._input_origins(call, definition),
            providers=self._passed_providers(call),
        )

    def _calls_itself(self, definition: ModuleDef) -> bool:
        instance: ModuleInstance | None = self
        while instance is not None:
            if instance.module is definition:
                return True
            instance = instance.parent
        return False

    def _inputs(self, call: Declared, definition: ModuleDef, call_scope: Scope) -> dict[str, Any]:
        evaluator = self.context.evaluator
        values: dict[str, Any] = {}
        for name, variable in definition.variables.items():
            given = call.block.body.attributes.get(name)
            if given is not None:
                value = evaluator.evaluate(given.expr, call_scope)
            elif variable.default is not None:
                value = self.context.default_of(variable.default)
            else:
                value = Unknown(f"var.{name}")
            sensitive = variable.sensitive or is_secret_key(name)
            if sensitive and value is not None:
                self.context.remember(value)
                value = SECRET
            values[name] = value
        return values

    def _input_origins(self, call: Declared, definition: ModuleDef) -> dict[str, Location]:
        """A child's variable → where its value was written: through ``var.x`` arguments to this
        module's own origins, else the argument's line in the call, else the variable's default."""
        origins: dict[str, Location] = {}
        for name, variable in definition.variables.items():
            given = call.block.body.attributes.get(name)
            if given is not None:
                passed = variable_name(given.expr)
                origins[name] = (
                    self.origins.get(passed, Location(call.file, given.line))
                    if passed
                    else (Location(call.file, given.line))
                )
            elif variable.default is not None and variable.file:
                origins[name] = Location(variable.file, variable.line)
        return origins

    def _passed_providers(self, call: Declared) -> dict[str, Any]:
        providers = {k: v for k, v in self.providers.items() if "." not in k}
        mapping = call.block.body.attributes.get("providers")
        if mapping is not None and isinstance(mapping.expr, ObjectExpr):
            for key_expr, value_expr in mapping.expr.items:
                providers[key_expr.text.strip('"')] = self.providers.get(value_expr.text.strip())
        return providers

    def region_for(self, declared: Declared, attributes: dict) -> str | None:
        provider = declared.block.body.attributes.get("provider")
        name = provider.expr.text.strip() if provider is not None else declared.type.split("_")[0]
        region = self.providers.get(name)
        if isinstance(region, str) and is_known(region):
            return region
        for key in ("region", "location"):
            value = attributes.get(key)
            if isinstance(value, str):
                return value
        return None
