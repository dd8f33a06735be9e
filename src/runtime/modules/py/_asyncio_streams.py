StreamReader = StreamWriter = IncompleteReadError = LimitOverrunError = open_connection = start_server = Server = None
