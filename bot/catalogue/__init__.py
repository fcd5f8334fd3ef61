"""The role catalogue: roles, entry routes and the Agenda for Change pay table."""
