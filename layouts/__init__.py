"""Pure functions returning Dash component trees and Plotly figures; no data access."""
