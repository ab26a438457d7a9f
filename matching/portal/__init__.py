"""The supporter portal: `/portal/`, one contact's page and its actions.

`views` are the thin edges; `actions` bind one form each and call one service; `pages`
builds what the pages show; `forms` are what a supporter records (never what was said).
"""
