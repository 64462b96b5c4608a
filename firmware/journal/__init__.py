# The offline transaction journal: import the piece you need (journal, record, limits,
# cardcrypt) directly so a board pays only for what it uses.
