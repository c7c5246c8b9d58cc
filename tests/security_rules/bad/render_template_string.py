"""Examples that engage-render-template-string must flag."""

import jinja2
from flask import render_template_string


def greeting(name: str) -> str:
    # ruleid: engage-render-template-string
    return render_template_string("<p>Hello " + name + "</p>")


def greeting_jinja(name: str) -> str:
    # ruleid: engage-render-template-string
    return jinja2.Template("<p>Hello {{ name }}</p>").render(name=name)


def greeting_env(env: jinja2.Environment, source: str) -> str:
    # ruleid: engage-render-template-string
    return env.from_string(source).render()
