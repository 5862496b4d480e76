"""GOV.UK components whose parameters are written in a template, rendered once per process.

The section page is the portal's busiest page and every section save sends it back, with the same
three buttons each time ("Previous", "Next", "Save and complete later"). `govukButton` is a nest of
Jinja macros that costs about a twentieth of the whole request to call, yet with the same parameters
it always returns the same markup. `static_component("button", {...})` calls the real macro the first
time it sees a set of parameters and returns the stored markup afterwards.

Only for parameters that are literals in a template: a person's answers or anything about a child
must never be a parameter, or the cache would keep it in memory after the request. The cache is
bounded, and a template whose literals change is a new key.
"""

from __future__ import annotations

import json
import threading

from cachetools import LRUCache
from jinja2 import Environment
from markupsafe import Markup

# The components the portal renders from fixed parameters: name -> (template, macro).
COMPONENTS = {
    "button": ("govuk_frontend_jinja/components/button/macro.html", "govukButton"),
}
CACHE_SIZE = 256


class StaticComponents:
    def __init__(self, env: Environment, size: int = CACHE_SIZE):
        self.env = env
        self.cache: LRUCache = LRUCache(maxsize=size)
        self.lock = threading.Lock()

    def __call__(self, name: str, params: dict) -> Markup:
        template, macro = COMPONENTS[name]
        key = (name, json.dumps(params, sort_keys=True))
        # A template being edited under the reloader may change what a macro draws.
        if self.env.auto_reload:
            return self._render(template, macro, params)
        with self.lock:
            markup = self.cache.get(key)
        if markup is None:
            markup = self._render(template, macro, params)
            with self.lock:
                self.cache[key] = markup
        return markup

    def _render(self, template: str, macro: str, params: dict) -> Markup:
        """The macro's own output: Jinja has escaped it, so it is Markup already."""
        return getattr(self.env.get_template(template).module, macro)(params)


def install(env: Environment) -> StaticComponents:
    components = StaticComponents(env)
    env.globals["static_component"] = components
    return components
