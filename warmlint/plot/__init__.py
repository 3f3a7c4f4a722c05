"""LR curves drawn for people: in the terminal (`terminal`) and as a PNG (`png`, needs
matplotlib). Shared by `warmlint schedule` and `warmlint verify`.
"""
