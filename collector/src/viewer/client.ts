/**
 * The replay page's script, served as /viewer/replay.js. Plain browser JavaScript in a string so
 * the collector ships as one Node bundle. It builds rrweb's Replayer (which rebuilds the recording
 * inside an iframe sandboxed to `allow-same-origin`: recorded scripts and handlers never run) and
 * renders recorded strings with textContent only.
 */
export const REPLAY_SCRIPT = `(function () {
  'use strict';
  var root = document.getElementById('replay');
  var base = '/sessions/' + root.getAttribute('data-session');
  var state = { replayer: null, playing: true, start: 0, total: 0 };

  function describe(fact) {
    var p = fact.payload || {};
    switch (fact.tag) {
      case 'click': return (p.EventTargetText || p.EventTargetSelectorTok || 'element');
      case 'change': return (p.EventTargetSelectorTok || 'field') + (p.EventTargetText ? ' = ' + p.EventTargetText : '');
      case 'navigate': return (p.EventSubType === 'spa' ? 'SPA ' : '') + (p.PageUrl || fact.pageUrl);
      case 'custom': return p.EventCustomName || 'event';
      case 'error': return p.message || 'error';
      case 'log': return (p.level || 'log') + ': ' + (p.message || '');
      case 'thrash': return 'thrashed cursor over ' + (p.EventTargetSelectorTok || 'page');
      case 'abandon': return 'abandoned ' + (p.EventTargetSelectorTok || 'form');
      case 'vital': return p.name + ' ' + p.value + ' (' + p.rating + ')';
      default: return '';
    }
  }

  function modifiers(fact) {
    var p = fact.payload || {}, list = [];
    if (p.EventModFrustrated > 0) list.push(['rage', 'rage x' + p.EventModFrustrated]);
    if (p.EventModDead === 1) list.push(['dead', 'dead']);
    if (p.EventModError === 1) list.push(['error', 'error']);
    if (p.EventModSuspicious > 0) list.push(['suspicious', p.EventModSuspicious === 1 ? 'SQL injection?' : 'XSS?']);
    return list;
  }

  function markerKind(fact) {
    var p = fact.payload || {};
    if (p.EventModFrustrated > 0) return 'rage';
    if (p.EventModError === 1 || fact.tag === 'error') return 'error';
    if (p.EventModDead === 1) return 'dead';
    return fact.tag;
  }

  function seconds(ms) { return (Math.max(0, ms) / 1000).toFixed(1) + ' s'; }

  function seek(offset) {
    if (!state.replayer) return;
    if (state.playing) state.replayer.play(offset); else state.replayer.pause(offset);
  }

  function renderFacts(facts) {
    var list = document.getElementById('facts');
    var timeline = document.getElementById('timeline');
    facts.forEach(function (fact) {
      var offset = fact.timestamp - state.start;
      var item = document.createElement('li');
      item.setAttribute('data-tag', fact.tag);
      var time = document.createElement('span');
      time.className = 'muted';
      time.textContent = seconds(offset) + ' ';
      var tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = fact.tag;
      var text = document.createElement('span');
      text.textContent = describe(fact);
      item.append(time, tag, text);
      modifiers(fact).forEach(function (mod) {
        var badge = document.createElement('span');
        badge.className = 'mod ' + mod[0];
        badge.textContent = mod[1];
        item.append(badge);
      });
      item.addEventListener('click', function () { seek(offset); });
      list.append(item);
      if (fact.tag === 'log' || fact.tag === 'vital') return;
      var marker = document.createElement('div');
      marker.className = 'marker ' + markerKind(fact);
      marker.title = fact.tag + ' ' + describe(fact);
      marker.style.left = (state.total > 0 ? Math.min(100, Math.max(0, (offset / state.total) * 100)) : 0) + '%';
      timeline.append(marker);
    });
  }

  function wireControls() {
    var button = document.getElementById('play');
    var timeline = document.getElementById('timeline');
    var playhead = document.getElementById('playhead');
    var clock = document.getElementById('clock');
    button.addEventListener('click', function () {
      var now = state.replayer.getCurrentTime();
      state.playing = !state.playing;
      if (state.playing) state.replayer.play(now >= state.total ? 0 : now); else state.replayer.pause();
      button.textContent = state.playing ? 'Pause' : 'Play';
    });
    timeline.addEventListener('click', function (event) {
      var box = timeline.getBoundingClientRect();
      seek(((event.clientX - box.left) / box.width) * state.total);
    });
    state.replayer.on('finish', function () {
      state.playing = false;
      button.textContent = 'Play';
    });
    var tick = function () {
      var now = Math.min(state.total, state.replayer.getCurrentTime());
      playhead.style.left = (state.total > 0 ? (now / state.total) * 100 : 0) + '%';
      clock.textContent = seconds(now) + ' / ' + seconds(state.total);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  // The recording keeps its own viewport size; the player is scaled down to the page's width.
  function fit(size) {
    var wrapper = root.querySelector('.replayer-wrapper');
    if (!wrapper || !size.width) return;
    var scale = Math.min(1, root.clientWidth / size.width);
    wrapper.style.transformOrigin = '0 0';
    wrapper.style.transform = 'scale(' + scale + ')';
    root.style.height = Math.ceil(size.height * scale) + 'px';
  }

  function fail(message) {
    var note = document.createElement('p');
    note.className = 'empty';
    note.textContent = message;
    root.append(note);
    root.setAttribute('data-state', 'error');
  }

  Promise.all([
    fetch(base + '/events.json').then(function (r) { return r.json(); }),
    fetch(base + '/facts.json').then(function (r) { return r.json(); }),
  ]).then(function (results) {
    var events = results[0], facts = results[1];
    if (!events.some(function (e) { return e.type === 2; })) return fail('This session has no full snapshot to replay yet.');
    events.sort(function (a, b) { return a.timestamp - b.timestamp; });
    state.replayer = new rrweb.Replayer(events, { root: root, mouseTail: false, showWarning: false, skipInactive: true });
    var meta = state.replayer.getMetaData();
    state.start = meta.startTime;
    state.total = meta.totalTime;
    var frame = root.querySelector('iframe');
    fit({ width: Number(frame.getAttribute('width')), height: Number(frame.getAttribute('height')) });
    state.replayer.on('resize', fit);
    renderFacts(facts);
    wireControls();
    state.replayer.play(0);
    root.setAttribute('data-state', 'ready');
  }).catch(function (error) { fail('Replay failed: ' + error.message); });
})();
`;
