"""The draft of a mission's security sector reform section for its next regular report of the
Secretary-General (resolution 2553 OP20(e) and (f)): generated from the registry, edited by the
drafting officer, downloaded as a Word document, issued with the report."""
