"""The hall's reports in the shapes the bureau asks for (spreadsheets). Each module reads
what a service gathered and writes one workbook; openpyxl is loaded with the report."""
