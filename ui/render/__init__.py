"""View-to-widget renderers, one function per screen (used by ``ui.presenter``)."""
