"""The token store on the operating system's secret store. No Qt."""
