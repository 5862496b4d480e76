"""The Local Authority back office at /la/: staff sign-in with an emailed code, a queue per team, the
submission page, returns for further information, responses and the audit log.

Views live in `views.py` and stay thin; the rules (who may see what, which status may follow which,
what is audited) live in `services.py` and take plain arguments.
"""
