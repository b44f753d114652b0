"""Who may do what, and the trail of what was done: accounts and passwords, sessions and lockout,
screening training, sealing (sealed youth answer like unknown ones everywhere), the audit trail
and its verification, and the database roles.

It may import only ``kernel``; every capability package may import it.
"""
