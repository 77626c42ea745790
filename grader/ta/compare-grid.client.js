// Runs in the TA's browser, inlined into compare.html by compare-grid.ts: draws
// the grid from the JSON beside it, and redraws it on every sort, filter,
// expand or collapse. Plain DOM and strings, no library: the whole grid is one
// innerHTML per redraw, which for 300 rows × 73 checks takes tens of ms.
(() => {
  const data = JSON.parse(document.getElementById('grid-data').textContent);
  const form = document.querySelector('#grid form.controls');
  const table = document.querySelector('#grid table.matrix');
  const panel = document.getElementById('message');
  const STATUS = ['pass', 'fail', 'error'];
  const state = { sort: 'name', direction: 1, expanded: new Set(), selected: null };

  // student-2 before student-10.
  const byName = (a, b) => a.localeCompare(b, undefined, { numeric: true });
  const escape = (text) => String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const lessonPoints = (student, lesson) => {
    const cells = lesson.columns.map((c) => student.cells[c]).filter(Boolean);
    return cells.length ? cells.reduce((sum, cell) => sum + cell[1], 0) : null;
  };

  /** The lessons and columns shown, after the lesson and check filters. */
  function visible() {
    const lessonFilter = form.lesson.value;
    const checkFilter = form.check.value.trim().toLowerCase();
    return data.lessons
      .filter((lesson) => !lessonFilter || lesson.id === lessonFilter)
      .map((lesson) => {
        const columns = checkFilter
          ? lesson.columns.filter((c) => `${data.columns[c].lesson}/${data.columns[c].check} ${data.columns[c].title}`.toLowerCase().includes(checkFilter))
          : lesson.columns;
        // A filter on lesson or check opens what it found.
        const expanded = state.expanded.has(lesson.id) || Boolean(lessonFilter) || Boolean(checkFilter);
        return { lesson, columns, expanded };
      })
      .filter((group) => group.columns.length > 0);
  }

  function sortValue(student) {
    if (state.sort === 'name') return student.name;
    if (state.sort === 'total') return student.points ?? -1;
    const [kind, index] = state.sort.split(':');
    if (kind === 'lesson') return lessonPoints(student, data.lessons[Number(index)]) ?? -1;
    const cell = student.cells[Number(index)];
    return cell ? cell[1] - cell[0] / 10 : -1;
  }

  function rows(groups) {
    const studentFilter = form.student.value.trim().toLowerCase();
    const shown = groups.flatMap((group) => group.columns);
    return data.students
      .filter((student) => !studentFilter || `${student.name} ${student.source}`.toLowerCase().includes(studentFilter))
      .filter((student) => !form.failing.checked || student.error || shown.some((c) => student.cells[c] && student.cells[c][0] !== 0))
      .sort((a, b) => {
        const [x, y] = [sortValue(a), sortValue(b)];
        const order = typeof x === 'string' ? byName(x, y) : x - y;
        return order * state.direction || byName(a.name, b.name);
      });
  }

  function header(groups) {
    const sortable = (key, label, extra = '') => `<th data-sort="${key}"${state.sort === key ? ' class="sorted"' : ''}${extra}>${label}</th>`;
    const top = groups.map(({ lesson, columns, expanded }) => {
      const index = data.lessons.indexOf(lesson);
      const toggle = `<button type="button" data-toggle="${escape(lesson.id)}" aria-expanded="${expanded}" title="${expanded ? 'collapse' : 'expand'}">${expanded ? '▾' : '▸'}</button>`;
      return expanded
        ? `<th class="lesson" colspan="${columns.length}" data-lesson="${escape(lesson.id)}">${toggle}<span data-sort="lesson:${index}">${escape(lesson.id)}</span> /${lesson.maxPoints}</th>`
        : `<th class="lesson" rowspan="2" data-lesson="${escape(lesson.id)}" data-sort="lesson:${index}">${toggle}${escape(lesson.id)}<br>/${lesson.maxPoints}</th>`;
    });
    const checks = groups
      .filter((group) => group.expanded)
      .flatMap((group) => group.columns.map((c) => sortable(`check:${c}`, `<code>${escape(data.columns[c].check)}</code><br>/${data.columns[c].maxPoints}`, ` title="${escape(data.columns[c].title)}"`)));
    return (
      `<tr><th class="name" rowspan="2" data-sort="name">submission</th>${top.join('')}<th class="total" rowspan="2" data-sort="total">total</th></tr>` +
      `<tr>${checks.join('')}</tr>`
    );
  }

  function row(student, groups) {
    const name = `<th class="name"><a href="#submission-${escape(student.name)}">${escape(student.name)}</a>${student.tampering ? ' <span title="files changed outside the lessons">⚠</span>' : ''}</th>`;
    const width = groups.reduce((sum, group) => sum + (group.expanded ? group.columns.length : 1), 0);
    const total = `<td class="num total">${student.points === null ? '–' : `${student.points} / ${student.maxPoints}`}</td>`;
    if (student.error) return `<tr data-submission="${escape(student.name)}">${name}<td class="error" colspan="${width}">${escape(student.error)}</td>${total}</tr>`;
    const cells = groups.map(({ lesson, columns, expanded }) => {
      if (!expanded) {
        const points = lessonPoints(student, lesson);
        if (points === null) return '<td class="missing num">–</td>';
        const kind = points === lesson.maxPoints ? 'full' : points === 0 ? 'none' : 'partial';
        return `<td class="num lesson-cell ${kind}" data-lesson="${escape(lesson.id)}">${points}</td>`;
      }
      return columns
        .map((c) => {
          const cell = student.cells[c];
          if (!cell) return '<td class="missing num">–</td>';
          const message = cell[0] === 0 ? '' : `<div class="msg">${escape(data.messages[cell[2]])}</div>`;
          return `<td class="num ${STATUS[cell[0]]}" data-column="${c}">${cell[1]}${message}</td>`;
        })
        .join('');
    });
    const selected = state.selected === student.name ? ' class="selected"' : '';
    return `<tr data-submission="${escape(student.name)}"${selected}>${name}${cells.join('')}${total}</tr>`;
  }

  function render() {
    const groups = visible();
    const students = rows(groups);
    table.tHead.innerHTML = header(groups);
    table.tBodies[0].innerHTML = students.map((student) => row(student, groups)).join('');
    form.querySelector('.count').textContent = `${students.length} of ${data.students.length} submissions`;
  }

  function showMessage(student, column) {
    const cell = student.cells[column];
    const info = data.columns[column];
    panel.hidden = false;
    panel.textContent = `${student.name} · ${info.lesson} / ${info.check} (${info.title}): ${STATUS[cell[0]].toUpperCase()}, ${cell[1]} of ${info.maxPoints} points\n${data.messages[cell[2]]}`;
  }

  /** Picks out a student's curves in every lesson's chart. */
  function select(name) {
    state.selected = state.selected === name ? null : name;
    for (const line of document.querySelectorAll('figure.curves .series')) {
      const mine = line.dataset.key === state.selected;
      line.classList.toggle('picked', mine);
      if (mine) line.parentNode.appendChild(line);
    }
  }

  table.addEventListener('click', (event) => {
    const toggle = event.target.closest('[data-toggle]');
    if (toggle) {
      const id = toggle.dataset.toggle;
      state.expanded.has(id) ? state.expanded.delete(id) : state.expanded.add(id);
      return render();
    }
    const sorter = event.target.closest('[data-sort]');
    if (sorter) {
      const key = sorter.dataset.sort;
      state.direction = state.sort === key ? -state.direction : key === 'name' ? 1 : -1;
      state.sort = key;
      return render();
    }
    const tr = event.target.closest('tr[data-submission]');
    if (!tr || event.target.closest('a')) return;
    const student = data.students.find((s) => s.name === tr.dataset.submission);
    const td = event.target.closest('td[data-column]');
    if (td) showMessage(student, Number(td.dataset.column));
    else if (event.target.closest('th.name')) {
      select(student.name);
      render();
    }
  });
  form.addEventListener('input', render);
  form.expand.addEventListener('click', () => {
    data.lessons.forEach((lesson) => state.expanded.add(lesson.id));
    render();
  });
  form.collapse.addEventListener('click', () => {
    state.expanded.clear();
    render();
  });
  // A check in the summary's pass-rate table: who failed it.
  for (const link of document.querySelectorAll('a.show-failing')) {
    link.addEventListener('click', () => {
      form.lesson.value = '';
      form.check.value = link.dataset.check;
      form.failing.checked = true;
      render();
    });
  }
  render();
})();
