// GOV.UK Frontend's components (error summary focus, character count, conditional reveals).
import { initAll } from '../vendor/govuk-frontend.min.js'

initAll()
document.addEventListener('htmx:afterSettle', (event) => initAll({ scope: event.detail.elt }))
