"""Calling the production WSGI application (its fronts and handlers) directly from tests; the `application`
fixture (tests/conftest.py) is that application."""

from wsgiref.util import setup_testing_defaults


def call(application, path, **environ):
    """{"status", "headers", "body"} of one request through a WSGI application."""
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver", **environ}
    setup_testing_defaults(env)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    answer["body"] = b"".join(application(env, start_response))
    return answer


def chain(application) -> list:
    """The WSGI applications of the production chain, outermost first (fronts wrap `.application`)."""
    layers = [application]
    while hasattr(layers[-1], "application"):
        layers.append(layers[-1].application)
    return layers


def layer(application, kind):
    """The WSGI application of type `kind` in the production chain."""
    (found,) = [item for item in chain(application) if isinstance(item, kind)]
    return found
