"""The staff admin at /admin (SQLAdmin): catalogue, events, bookings, casework, staff, audit log.

Mounted by :func:`bot.web.admin.app.mount_admin`; see docs/admin.md.
"""
