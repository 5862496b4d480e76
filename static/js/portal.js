// The portal's own script: progressive enhancement only. Everything works without it.
(function () {
  'use strict'
  document.body.classList.add('js-enabled', 'govuk-frontend-supported')

  // Announce htmx failures in a live region instead of silently doing nothing.
  document.addEventListener('htmx:responseError', function (event) {
    var status = event.detail.xhr.status
    if (status === 401) return // htmx follows HX-Redirect to sign in
    if (event.detail.xhr.getResponseHeader('X-Portal-Gone') === 'draft') {
      // Submitted or deleted in another tab or window: trying again would never work.
      announce('This form is no longer here: it may have been submitted or deleted in another tab or ' +
        'window. Your latest changes were not saved. What you typed is still on this page: copy ' +
        'anything you need before you leave it. Your forms are in Recover a Form and Submitted Forms.')
      return
    }
    announce(status === 503 || status === 0
      ? 'Sorry, the service is unavailable. Your latest changes were not saved. Try again in a few minutes.'
      : 'Sorry, something went wrong. Your latest changes were not saved. Try again.')
  })
  // The server sends the browser elsewhere with HX-Redirect: to sign in, when the session has ended.
  // Several requests on their way as it ended each answer so (Next, and a question's check as Next
  // was pressed), and following each started the page loading again, while the first load's form was
  // being filled in. The first is followed; another within a few seconds is not.
  var redirectedAt = 0
  document.addEventListener('htmx:beforeOnLoad', function (event) {
    var xhr = event.detail.xhr
    if (!xhr || !xhr.getResponseHeader('HX-Redirect')) return
    if (Date.now() - redirectedAt < 5000) {
      event.preventDefault()
      return
    }
    redirectedAt = Date.now()
  })
  document.addEventListener('htmx:sendError', function () {
    announce('You appear to be offline. Your latest changes were not saved. Try again when you are connected.')
  })

  // A save that works after one that failed: the message that the changes were not saved is no
  // longer true (it stayed above the next section). Only a post that is not an inline check saves.
  document.addEventListener('htmx:afterRequest', function (event) {
    var region = document.getElementById('app-status-message')
    var detail = event.detail
    var path = (detail.pathInfo && detail.pathInfo.requestPath) || ''
    var saved = detail.successful && detail.requestConfig && detail.requestConfig.verb === 'post' &&
      !/\/validate$/.test(path)
    if (region && saved) region.remove()
  })

  function announce (text) {
    var region = document.getElementById('app-status-message')
    if (!region) {
      region = document.createElement('div')
      region.id = 'app-status-message'
      region.className = 'govuk-error-summary app-status-message'
      region.setAttribute('role', 'alert')
      var main = document.getElementById('main-content')
      main.insertBefore(region, main.firstChild)
    }
    region.textContent = text
  }

  // GOV.UK Frontend marks a radio that reveals a question with aria-expanded, which ARIA does not allow on
  // a radio (axe: aria-allowed-attr, alphagov/govuk-frontend#979). The revealed question follows the
  // radio in reading and tab order, so nothing is lost without it; remove it whenever it is set.
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      var input = mutation.target
      if (input.type === 'radio' && input.hasAttribute('aria-expanded')) input.removeAttribute('aria-expanded')
    })
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['aria-expanded'], subtree: true })

  // The account menu is a <details> that opens over the page on wider screens. Left open, it would
  // hide whatever the keyboard reaches next (WCAG 2.4.11 Focus Not Obscured): it closes when focus
  // or a click goes elsewhere, and Escape closes it and returns focus to its toggle, as a menu button's
  // would. Without JavaScript it opens and closes with its toggle alone.
  var accountMenu = document.querySelector('.app-account-menu')
  if (accountMenu) {
    accountMenu.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' || !accountMenu.open) return
      accountMenu.open = false
      accountMenu.querySelector('summary').focus()
    })
    accountMenu.addEventListener('focusout', function (event) {
      if (event.relatedTarget && !accountMenu.contains(event.relatedTarget)) accountMenu.open = false
    })
    document.addEventListener('click', function (event) {
      if (accountMenu.open && !accountMenu.contains(event.target)) accountMenu.open = false
    })
  }

  // A table's box is a tab stop so that a keyboard can scroll it sideways (partials/web/_table.html).
  // Where it has nothing to scroll (the table fits, or reads as cards on a phone) the stop leads
  // nowhere, one more Tab for nothing: it is there only while the table is wider than its box.
  function tableBoxesScrollableByKeyboard () {
    document.querySelectorAll('.app-table-container').forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) box.setAttribute('tabindex', '0')
      else box.removeAttribute('tabindex')
    })
  }
  tableBoxesScrollableByKeyboard()
  window.addEventListener('resize', tableBoxesScrollableByKeyboard)
  document.addEventListener('htmx:afterSettle', tableBoxesScrollableByKeyboard)

  // Idle timeout warning (WCAG 2.2.1): warn 2 minutes ahead, extend with one action, save before expiry.
  var body = document.body
  var dialog = document.getElementById('timeout-dialog')
  if (!dialog || !body.dataset.sessionSeconds) return
  var WARN_AHEAD = parseInt(body.dataset.sessionWarningSeconds || '120', 10)
  // The browser goes to the signed-out page this long after the server's deadline, never before it:
  // arriving early found the session still open (the account menu, a countdown on the sign-in page).
  var AFTER_DEADLINE = 2
  // The server says how many seconds the session has (rounded up): in the page, and in a header on
  // every answer to an htmx request or to "Continue", which the countdown starts again from.
  var SECONDS_HEADER = 'X-Portal-Session-Seconds'
  var deadline = null // when the countdown ends and the browser leaves
  var countdown = document.getElementById('timeout-countdown')
  var lastAnnounced = null
  var saved = false // the save just before the deadline has been asked for
  var leaving = false

  function secondsLeft () { return Math.max(0, Math.ceil((deadline - Date.now()) / 1000)) }
  function describe (seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60)
      return minutes + (minutes === 1 ? ' minute' : ' minutes')
    }
    var rounded = seconds > 20 ? Math.ceil(seconds / 10) * 10 : seconds
    return rounded + (rounded === 1 ? ' second' : ' seconds')
  }
  // Every tab of this browser shares one session, so each tells the others the deadline it learns from
  // the server. Before, a tab left open in the background kept its own countdown: it warned someone
  // busy in another tab, and its "Continue" was the only way to stop it. Only a time is sent.
  var tabs = 'BroadcastChannel' in window ? new BroadcastChannel('portal-session-deadline') : null
  function moveDeadline (at) {
    deadline = at
    if (dialog.open) dialog.close()
  }
  function restart (seconds) {
    moveDeadline(Date.now() + (seconds + AFTER_DEADLINE) * 1000)
    if (tabs) tabs.postMessage({ deadline: deadline })
  }
  if (tabs) {
    tabs.addEventListener('message', function (event) {
      var at = event.data && event.data.deadline
      // Activity elsewhere only ever moves the deadline later; a tab already leaving has gone.
      if (typeof at !== 'number' || at <= deadline || leaving) return
      saved = false
      moveDeadline(at)
    })
  }
  restart(parseInt(body.dataset.sessionSeconds, 10))
  function restartAsTold (told) {
    var seconds = parseInt(told || '', 10)
    if (isNaN(seconds)) return false
    saved = false
    restart(seconds)
    return true
  }
  // A back-office form (return, respond, correct a response) does not save as it goes: when the warning
  // opens, and again just before the deadline, it sends what it holds to be kept for after sign-in
  // (review/kept.py). Marked as the page's own doing, so the server does not count it as activity.
  var keepingForms = document.querySelectorAll('form[data-app-keep-url]')
  document.addEventListener('portal:save-now', function () {
    keepingForms.forEach(function (form) {
      fetch(form.dataset.appKeepUrl, {
        method: 'POST', body: new FormData(form), credentials: 'same-origin', keepalive: true,
        headers: { 'X-Portal-Background': 'timeout' }
      }).catch(function () {})
    })
  })
  // The warning says "Anything you have typed is saved" (or kept) only on a page that does so (a form
  // section, whose autosave the warning sets off; a back-office form); elsewhere, that it will be lost.
  function sayWhetherSaved () {
    var saves = !!document.querySelector('.app-autosave[hx-post]') || keepingForms.length > 0
    dialog.querySelectorAll('.app-timeout-saved').forEach(function (el) { el.hidden = !saves })
    dialog.querySelectorAll('.app-timeout-unsaved').forEach(function (el) { el.hidden = saves })
  }
  function tick () {
    var left = secondsLeft()
    if (left <= WARN_AHEAD && !dialog.open && left > 0) {
      document.dispatchEvent(new CustomEvent('portal:save-now'))
      sayWhetherSaved()
      dialog.showModal()
      document.getElementById('timeout-continue').focus()
    }
    if (dialog.open) {
      var text = describe(left)
      if (text !== lastAnnounced) { countdown.textContent = text; lastAnnounced = text }
    }
    if (left <= 5 + AFTER_DEADLINE && !saved) { saved = true; document.dispatchEvent(new CustomEvent('portal:save-now')) }
    if (left <= 0 && !leaving) {
      leaving = true
      window.location.assign(body.dataset.sessionExpiredUrl + '&next=' +
        encodeURIComponent(window.location.pathname + window.location.search))
    }
  }
  setInterval(tick, 1000)
  // No header: the answer is not from a session still signed in (or the database is down); the
  // countdown goes on to the deadline it has.
  document.addEventListener('htmx:afterRequest', function (event) {
    var xhr = event.detail.xhr
    if (xhr) restartAsTold(xhr.getResponseHeader(SECONDS_HEADER))
  })
  // Staying signed in, the caseworker carries on where they are: what the warning kept for after a
  // sign-in is of no more use, and would greet them at their next one. A keep with nothing typed forgets.
  function forgetKept (token) {
    keepingForms.forEach(function (form) {
      var nothing = new FormData()
      nothing.append('csrf_token', token)
      fetch(form.dataset.appKeepUrl, {
        method: 'POST', body: nothing, credentials: 'same-origin', headers: { 'X-Portal-Background': 'timeout' }
      }).catch(function () {})
    })
  }
  function stay () {
    var token = JSON.parse(body.getAttribute('hx-headers'))['X-CSRFToken']
    fetch(body.dataset.sessionExtendUrl, { method: 'POST', headers: { 'X-CSRFToken': token }, credentials: 'same-origin' })
      .then(function (response) {
        // Anything but 204 (a sign-in page the redirect led to, a refused token): the session has
        // ended; reloading shows where things stand.
        if (response.status !== 204 || !restartAsTold(response.headers.get(SECONDS_HEADER))) {
          window.location.reload()
          return
        }
        forgetKept(token)
      })
  }
  dialog.querySelector('form.app-timeout-continue').addEventListener('submit', function (event) {
    event.preventDefault()
    stay()
  })
  // Escape means "I'm still here", as Continue does (the HMRC/GOV.UK timeout warning). Only refusing
  // it left Chromium to close the warning at the third press without extending anything, and the next
  // tick opened it again and took focus back.
  dialog.addEventListener('cancel', function (event) {
    event.preventDefault()
    stay()
  })
})()
