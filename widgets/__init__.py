"""ipywidgets components of the Appraise dashboards (UI only; they call into ``reviews``)."""
