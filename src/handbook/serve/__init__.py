"""``handbook serve``: the patient sheet as a local web app (Starlette on uvicorn).

cli (the command), app (routes and the guard every response passes), forms (the form, generated
from the sheet's option table, and what a submitted form becomes), pool (render processes, each
sheet with a time limit), preload (what those processes load once). The page's template and CSS
are in ``templates/serve/``.
"""
