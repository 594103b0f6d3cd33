"""Remote sources: data.gouv.fr, Cohesion Open Data, Kohesio and plain URLs, fetched into a
local cache with their provenance, then read like any file.

Modules: ``uris`` (parse), ``settings`` (base URLs, cache folder), ``http`` (retries, checks),
``cache`` and ``origin`` (stored bytes and provenance), one module per platform, ``fetch``
(resolve a URI, online or offline) and ``catalogue`` (known public sources).
"""
