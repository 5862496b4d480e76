// The section runner's enhancements: autosave while typing, saving before the idle timeout and as the
// page is left, keeping what is typed while an inline check or a section is on its way, checking a
// date or an address once it is left, focus after a section is swapped in, and showing the conflict
// when the form has been saved elsewhere. All optional: without this file every section is a plain
// form that saves on Next, Previous and the section list.
(function () {
  'use strict'
  var timer = null

  // The element that sent a request. htmx tells of a request whose element has since been swapped out
  // (a check whose question an earlier check replaced) on the nearest element still in the page, the
  // section form itself, as if that had sent it.
  function sender (event) {
    return (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt
  }

  function autosaveRegion () { return document.querySelector('.app-autosave[data-autosave-seconds]') }

  // At most one background save every N seconds while the user types, always including the latest
  // answers (a trailing save, unlike htmx's throttle which drops the last changes).
  document.addEventListener('input', function (event) {
    var region = autosaveRegion()
    if (!region || !region.closest('form').contains(event.target)) return
    if (timer) return
    var seconds = parseFloat(region.dataset.autosaveSeconds || '30')
    timer = setTimeout(function () {
      timer = null
      var current = autosaveRegion()
      if (current) htmx.trigger(current, 'runner:autosave')
    }, seconds * 1000)
  })

  // A save the timeout warning asked for (or one made while it shows) is not activity: tell the server
  // not to extend the session, and keep portal.js from treating it as activity that restarts the countdown.
  document.addEventListener('htmx:configRequest', function (event) {
    // Opening the timeout warning moves focus out of the field being typed in; that blur is not the
    // user finishing the answer, and a check sent now would count as activity and close the warning.
    var warning = document.getElementById('timeout-dialog')
    if (warning && warning.open && event.detail.parameters && event.detail.parameters.validate_field) {
      event.preventDefault()
      return
    }
    if (!event.target.classList || !event.target.classList.contains('app-autosave')) return
    var triggering = event.detail.triggeringEvent
    if ((triggering && triggering.type === 'portal:save-now') || (warning && warning.open)) {
      event.detail.headers['X-Portal-Background'] = 'timeout'
      event.target.dataset.background = '1'
    } else {
      delete event.target.dataset.background
    }
  })
  document.body.addEventListener('htmx:afterRequest', function (event) {
    var elt = sender(event)
    if (elt && elt.dataset && elt.dataset.background === '1') event.stopPropagation()
  })

  // An inline check swaps the whole question, and a radio's revealed follow-up question is part of it.
  // On a slow connection the person has often started typing in the follow-up before the check comes
  // back: keep what they typed (and where the cursor was) rather than what the server saw. The same for
  // boxes ticked and options chosen meanwhile (the next boxes of a "Select all that apply"): the check
  // never changes an answer, so the page's own state is the truth. GOV.UK Frontend, initialised again
  // on the swapped question after this, then shows the follow-up questions of what is ticked.
  var TYPED = 'textarea, select, input:not([type=radio]):not([type=checkbox]):not([type=hidden]):not([type=file])'
  var CHOSEN = 'input[type=radio], input[type=checkbox]'
  var typing = []
  var choosing = []
  function remember (target) {
    typing = []
    choosing = []
    target.querySelectorAll(CHOSEN).forEach(function (input) {
      if (input.id) choosing.push({ id: input.id, checked: input.checked })
    })
    target.querySelectorAll(TYPED).forEach(function (input) {
      if (!input.id) return
      var focused = input === document.activeElement
      typing.push({ id: input.id, value: input.value, focused: focused,
        start: focused ? input.selectionStart : null, end: focused ? input.selectionEnd : null })
    })
  }
  document.addEventListener('htmx:beforeSwap', function (event) {
    var target = event.detail.target
    typing = []
    choosing = []
    if (event.detail.xhr) event.detail.xhr.appSwappedInPage = true
    if (target && target.id && target.id.indexOf('field-') === 0) remember(target)
  })
  // A check can come back to a question no longer in the page. After Next replaced the section, it
  // answers a page no longer shown. But a check of the choice that reveals the question may have drawn
  // the question again meanwhile (a date typed before the choice's own check came back): htmx then
  // swaps the answer into the question as it was, out of the page, and says nothing the page can hear.
  // Such an answer is put in the question as now drawn; otherwise its error would show only at Next.
  // Never into a section drawn since the check was sent (Next's answer): that page is newer than the
  // check, and its error summary, just said, would be kept in step with an answer older than it.
  document.addEventListener('htmx:beforeRequest', function (event) {
    var question = event.detail.target
    var xhr = event.detail.xhr
    if (!question || !question.id || question.id.indexOf('field-') !== 0 || !xhr) return
    var runner = document.getElementById('section-runner')
    xhr.addEventListener('load', function () {
      if (xhr.appSwappedInPage || question.isConnected || question.closest('#section-runner') ||
          document.getElementById('section-runner') !== runner ||
          (xhr.status !== 200 && xhr.status !== 422)) return
      var current = document.getElementById(question.id)
      if (!current) return
      remember(current)
      htmx.swap(current, xhr.responseText, { swapStyle: 'outerHTML' })
    })
  })
  document.addEventListener('htmx:afterSwap', function () {
    var kept = typing
    var chosen = choosing
    typing = []
    choosing = []
    chosen.forEach(function (was) {
      var input = document.getElementById(was.id)
      if (input && input.checked !== was.checked) input.checked = was.checked
    })
    kept.forEach(function (was) {
      var input = document.getElementById(was.id)
      if (!input || input.value === was.value) return
      input.value = was.value
      if (was.focused && was.start !== null) {
        try { input.setSelectionRange(was.start, was.end) } catch (e) { /* not a text field */ }
      }
      input.dispatchEvent(new Event('input', { bubbles: true })) // the character count catches up
    })
  })

  // A date or an address is one question of several boxes, each of which sends the check when left.
  // Moving on to the question's next box is not leaving the question ("must include a month" while
  // the month is being typed): that check waits, and goes when focus leaves the question. Before,
  // only the last box sent it, and an error put right in another box stayed until Next.
  // The tick box ("I do not know the address") is one of its boxes too. What waits is kept by the
  // question's id: a check of the choice revealing the question can draw it again meanwhile.
  var GROUPED = '.app-field--date, .app-field--address'
  var waiting = {}
  document.addEventListener('htmx:configRequest', function (event) {
    var input = sender(event)
    var group = event.detail.parameters && event.detail.parameters.validate_field && input.closest &&
      input.closest(GROUPED)
    if (!group) return
    if (group.contains(document.activeElement)) {
      event.preventDefault()
      waiting[group.id] = true
      return
    }
    delete waiting[group.id]
  })
  document.addEventListener('focusout', function (event) {
    var group = event.target.closest && event.target.closest(GROUPED)
    if (!group || group.contains(event.relatedTarget)) return
    var id = group.id
    // After the check a box sends on its own when left (htmx waits 200 ms), which takes the place of this.
    window.setTimeout(function () {
      var current = document.getElementById(id)
      var input = current && current.querySelector('[hx-post]')
      if (!waiting[id] || !input || current.contains(document.activeElement)) return
      delete waiting[id]
      htmx.ajax('POST', input.getAttribute('hx-post'), { source: input, target: current, swap: 'outerHTML' })
    }, 300)
  })

  // The check on leaving a question answers with the question, its error message now at it; the person
  // is already at the next question, so say the message in the status region outside the question
  // (emptied first, so the same message said again is read again). A question put right says nothing.
  document.addEventListener('htmx:afterSettle', function (event) {
    var field = event.target
    var status = document.getElementById('field-check-status')
    if (!status || !field || !field.id || field.id.indexOf('field-') !== 0) return
    if (window.appErrorSummary) window.appErrorSummary.sync(field)
    var message = field.querySelector('.govuk-error-message')
    status.textContent = ''
    if (!message) return
    var text = message.textContent.replace(/\s+/g, ' ').trim()
    window.setTimeout(function () { status.textContent = text }, 150)
  })

  // While Next, Previous, the section list or "Add another" is on its way, the answers already sent
  // are what the next page is built on: text typed meanwhile was silently replaced by that page. The
  // boxes are read-only and choices stay as they are until the answer comes (the form shows "Saving
  // your answers"), or until the page it sends the person to has come; a request that fails gives
  // them back as they were.
  var HELD = 'app-section-form--saving'
  function sayWhileSaving (form, text) {
    var status = form.querySelector('.app-saving')
    if (status) status.textContent = text
  }
  function holdTyped (scope) {
    scope.querySelectorAll(TYPED).forEach(function (input) {
      if (!input.readOnly) { input.readOnly = true; input.dataset.appHeld = '1' }
    })
  }
  function hold (form) {
    form.classList.add(HELD)
    holdTyped(form)
    sayWhileSaving(form, 'Saving your answers')
  }
  // A button pressed while an autosave is on its way waits behind it in the form's queue, and htmx
  // reads which button was pressed only when the request leaves the queue: a click elsewhere meanwhile
  // had made it forget, and "Save and complete later", Previous, a section in the list or "Add
  // another" went as Next. The request takes the button from its own submit event, and the press
  // holds the form at once.
  // Once the answer has sent the browser to another page, a press has nothing more to do there: the
  // saved page is on its way (another press sent the same answers again).
  document.addEventListener('submit', function (event) {
    var form = event.target
    if (form.id !== 'section-form' || !window.htmx) return
    if (form.dataset.appLeaving) { event.preventDefault(); event.stopPropagation(); return }
    hold(form)
  }, true)
  document.addEventListener('htmx:configRequest', function (event) {
    var form = sender(event)
    var pressed = event.detail.triggeringEvent && event.detail.triggeringEvent.submitter
    if (form && form.id === 'section-form' && pressed && pressed.name) {
      event.detail.parameters[pressed.name] = pressed.value
    }
  })
  document.addEventListener('htmx:beforeRequest', function (event) {
    var form = sender(event)
    if (form && form.id === 'section-form') hold(form)
  })
  // A check that comes back while the form is on its way brings its question's boxes anew: hold them
  // too (htmx tells each element swapped in, its new question block among them).
  document.addEventListener('htmx:afterSwap', function (event) {
    var field = event.target
    if (field.id && field.id.indexOf('field-') === 0 && field.closest('.' + HELD)) holdTyped(field)
  })
  function release (event) {
    var form = sender(event)
    if (!form || form.id !== 'section-form' || !document.body.contains(form)) return
    var xhr = event.detail.xhr
    if (xhr && xhr.getResponseHeader('HX-Redirect')) { form.dataset.appLeaving = '1'; return } // on its way there
    form.classList.remove(HELD)
    form.querySelectorAll('[data-app-held]').forEach(function (input) {
      input.readOnly = false
      delete input.dataset.appHeld
    })
    sayWhileSaving(form, '')
  }
  document.addEventListener('htmx:afterRequest', release)
  document.addEventListener('htmx:sendError', release)
  // Radios and boxes change on a click (Space and the arrow keys click too); a drop-down, which
  // read-only does not hold, opens on a press of the mouse or a key. Tab still moves on.
  function isHeld (input, selector) {
    return input.matches && input.matches(selector) && input.form && input.form.classList.contains(HELD)
  }
  // Stopped here too, so GOV.UK Frontend does not show or hide the follow-up questions of a choice
  // that has not changed.
  document.addEventListener('click', function (event) {
    if (isHeld(event.target, CHOSEN)) { event.preventDefault(); event.stopPropagation() }
  }, true)
  document.addEventListener('mousedown', function (event) {
    if (isHeld(event.target, 'select')) event.preventDefault()
  }, true)
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Tab' && isHeld(event.target, 'select')) event.preventDefault()
  }, true)

  // Typed since the last save, and leaving the page (a link, Back, reloading, closing the tab): send
  // it as an autosave would, on a request that outlives the page. Back after htmx's section swaps
  // reloads the page too (no history cache: nothing about a child is kept in the browser). Answers
  // kept from a session that ended, shown but not yet saved, count as typed.
  var unsaved = !!document.querySelector('[data-app-unsaved]')
  var typedSinceLoad = false
  document.addEventListener('input', function (event) {
    var region = autosaveRegion()
    if (region && region.closest('form').contains(event.target)) { unsaved = true; typedSinceLoad = true }
  })
  document.addEventListener('change', function (event) {
    var region = autosaveRegion()
    if (region && event.target.matches && event.target.matches(CHOSEN) &&
        region.closest('form').contains(event.target)) unsaved = true
  })
  document.addEventListener('htmx:beforeRequest', function (event) {
    var elt = sender(event)
    if (elt && (elt.id === 'section-form' || elt === autosaveRegion())) unsaved = false
  })
  // Not after a 401: the session had ended, and the server kept what was posted for after sign-in.
  // Sent again as the page went, it reached the server beside the sign-in page's own request, and the
  // last of the two to write the signed-out session undid the other's change: the sign-in form's token
  // was lost, and signing in said "Your session needs refreshing" (CI, once).
  function saveAgainLater (event) {
    var elt = sender(event)
    var xhr = event.detail.xhr
    if (elt && (elt.id === 'section-form' || (elt.classList && elt.classList.contains('app-autosave'))) &&
        !event.detail.successful && !(xhr && xhr.status === 401)) unsaved = true
  }
  document.addEventListener('htmx:afterRequest', saveAgainLater)
  // A request that outlives its page may carry 64 KB at most. A section holding more (a few long
  // answers in a script of three bytes a letter) goes on an ordinary request, and the browser asks the
  // person to confirm leaving, which gives that request the time to arrive. Either is sent at once,
  // not through htmx, which queues a save behind any check still on its way and could not send it
  // while the browser's question holds the page.
  var OUTLIVING_LIMIT = 60000
  var VERSION = /name="draft_version" value="(\d+)"/
  function bytes (formData) {
    var size = 0
    formData.forEach(function (value, name) {
      size += new Blob([name, typeof value === 'string' ? value : '']).size + 100
    })
    return size
  }
  // Once a save from this page has been refused (this section was saved elsewhere since the page was
  // opened), what was typed is in the page only, and a save as it goes would be refused too: the
  // browser asks before the page is left, unless by the link to the latest answers, which says it
  // replaces them.
  var reloadChosen = false
  document.addEventListener('click', function (event) {
    if (event.target.closest && event.target.closest('[data-app-reload]')) reloadChosen = true
  })
  window.addEventListener('beforeunload', function (event) {
    var region = autosaveRegion()
    if (region && region.querySelector('[data-app-refused]') && !reloadChosen) {
      event.preventDefault()
      event.returnValue = ''
      return
    }
    if (!unsaved || !region || !window.fetch) return
    var answers = new FormData(region.closest('form'))
    var outlivesPage = bytes(answers) <= OUTLIVING_LIMIT
    unsaved = false
    fetch(region.getAttribute('hx-post'), {
      method: 'POST', body: answers, keepalive: outlivesPage, credentials: 'same-origin',
      headers: { 'HX-Request': 'true' }
    }).then(function (response) {
      if (!response.ok) unsaved = true
      return response.text()
    }).then(function (html) {
      // The person chose to stay: the page goes on from the version just saved.
      var saved = VERSION.exec(html)
      if (saved) region.querySelector('input[name=draft_version]').value = saved[1]
    }).catch(function () { unsaved = true })
    if (!outlivesPage) {
      event.preventDefault()
      event.returnValue = ''
    }
  })

  // Reloaded, or come back to by Back: the server may have read the section before the save sent as
  // the last page went was written, and shown the answers from before it (the next save would then
  // meet the conflict page). The page asks for the section again once loaded, and once more a little
  // later (that save can be slower than the page, on a slow connection), and takes it if it is newer,
  // unless something has been typed meanwhile.
  var navigation = window.performance && performance.getEntriesByType &&
    performance.getEntriesByType('navigation')[0]
  var shownRegion = autosaveRegion()
  function takeNewerSection (shownVersion) {
    if (typedSinceLoad) return
    fetch(window.location.pathname + window.location.search,
      { headers: { 'HX-Request': 'true' }, credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.text() : null })
      .then(function (html) {
        var newer = html && VERSION.exec(html)
        if (!newer || newer[1] === shownVersion || typedSinceLoad) return
        htmx.swap('#section-runner', html, { swapStyle: 'outerHTML' })
      })
      .catch(function () { /* offline: the page shown stands */ })
  }
  if (navigation && (navigation.type === 'reload' || navigation.type === 'back_forward') && shownRegion &&
      window.fetch) {
    var shownVersion = shownRegion.querySelector('input[name=draft_version]').value
    takeNewerSection(shownVersion)
    window.setTimeout(function () {
      var region = autosaveRegion()
      // Still the page that was loaded (no section swapped in since): check it once more.
      if (region === shownRegion) takeNewerSection(shownVersion)
    }, 2000)
  }

  // Opened at one question (a Change link on Check your answers, a link in its list of answers still
  // needed or in the declaration's): the browser focuses the box the address names and scrolls it to
  // the top of the window, with the question it answers (its label or legend, and hint) out of sight
  // above it. Someone who sees the screen met an empty box or a row of radios with no question. Bring
  // the question into view above its box, as GOV.UK Frontend's error summary does for its own links.
  // After the page has loaded: until then the browser goes on scrolling to the address's box.
  function questionOf (input) {
    var fieldset = input.closest('fieldset')
    var legend = fieldset && fieldset.querySelector('legend')
    if (legend) {
      var choice = input.type === 'radio' || input.type === 'checkbox'
      var box = input.getBoundingClientRect()
      if (choice || box.bottom - legend.getBoundingClientRect().top < window.innerHeight / 2) return legend
    }
    return (input.id && document.querySelector('label[for="' + input.id + '"]')) || input.closest('label')
  }
  window.addEventListener('load', function () {
    var id = decodeURIComponent(window.location.hash.slice(1))
    var input = id && document.getElementById(id)
    var form = document.getElementById('section-form')
    if (!input || !form || !form.contains(input) || input !== document.activeElement) return
    var question = questionOf(input)
    if (question) question.scrollIntoView()
  })

  // A conflict (409) is an answer to show, not an error to hide.
  document.addEventListener('htmx:beforeSwap', function (event) {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true
      event.detail.isError = false
    }
  })

  // After a new section is swapped in, start reading it from the top (the error summary, if any,
  // focuses itself when GOV.UK Frontend initialises it). After "Add another" or "Remove" the same
  // section comes back, and the server names the input to continue from (the new item's first).
  document.addEventListener('htmx:afterSettle', function (event) {
    var target = event.target
    if (!target || target.id !== 'section-runner') return
    if (timer) { clearTimeout(timer); timer = null }
    var item = target.dataset.appFocus && document.getElementById(target.dataset.appFocus)
    if (item) { item.focus(); return }
    if (target.querySelector('.govuk-error-summary')) return
    var heading = document.getElementById('section-heading')
    if (heading) {
      window.scrollTo(0, 0)
      heading.focus()
    }
  })
})()
