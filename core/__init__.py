"""Shared helpers with no domain: the bottom layer every app may import (CONTRACT.md).

Like Healthchecks' `hc/lib`: a client's address, the rate limiter, claiming due rows,
form widgets and layouts, admin mixins. Nothing here imports an app of the project.
"""
