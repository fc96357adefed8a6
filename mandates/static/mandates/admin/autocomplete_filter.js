'use strict';
// The changelist's search-box filters (mandates/admin/filters.py): choosing an object, or
// clearing the box, reloads the list with the filter set or removed, from the first page.
{
    const $ = django.jQuery;
    $(document).on('change', 'select[data-filter-param]', function() {
        const params = new URLSearchParams(window.location.search);
        params.delete(this.dataset.filterParam);
        params.delete(this.dataset.filterClear);
        params.delete('p');
        if (this.value) {
            params.set(this.dataset.filterParam, this.value);
        }
        window.location.search = params.toString();
    });
}
